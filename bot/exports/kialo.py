"""Kialo's numbered text format, written and read back.

Kialo imports a discussion from text in which every claim is one numbered line::

    Discussion Title: The piece's title

    1. The thesis
    1.1. Pro: The first argument
    1.1.1. Con: A counterargument to it
    1.1.1.1. Con: A rebuttal of that counterargument

The number says where a claim sits (``1.1.1`` is a child of ``1.1``) and ``Pro:`` or ``Con:``
whether it supports or attacks its parent. The piece's arguments support its thesis; a
counterargument attacks its argument and a rebuttal attacks what it answers, so both are cons.

A claim is one line: a line break inside a member's text would start what Kialo reads as a new
claim (or as nonsense), so runs of whitespace become one space. A tombstone keeps its place in
the tree, and its replies under it, with a bracketed note instead of the withdrawn text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.exports.record import ArgumentNode, ContributionNode, DebateRecord

_TITLE = "Discussion Title: "
_CLAIM = re.compile(r"^(?P<number>1(?:\.\d+)*)\.\s(?:(?P<stance>Pro|Con):\s)?(?P<text>.*)$")


def to_kialo(record: DebateRecord) -> str:
    lines = [f"{_TITLE}{_one_line(record.title)}", "", f"1. {_one_line(record.thesis)}"]
    for index, argument in enumerate(record.arguments, 1):
        lines += _argument_lines(f"1.{index}", argument)
    return "\n".join(lines) + "\n"


def _argument_lines(number: str, argument: ArgumentNode) -> list[str]:
    lines = [f"{number}. Pro: {_one_line(argument.claim)}"]
    for index, counter in enumerate(argument.counters, 1):
        lines += _contribution_lines(f"{number}.{index}", counter)
    return lines


def _contribution_lines(number: str, node: ContributionNode) -> list[str]:
    text = node.body if node.body is not None else f"[{node.tombstone or 'removed'}]"
    lines = [f"{number}. Con: {_one_line(text)}"]
    for index, reply in enumerate(node.replies, 1):
        lines += _contribution_lines(f"{number}.{index}", reply)
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class KialoClaim:
    """One claim of a discussion read back: its stance towards its parent (``None`` for the
    thesis), its text and the claims under it, in order."""

    stance: str | None
    text: str
    children: list[KialoClaim] = field(default_factory=list)


@dataclass
class KialoDiscussion:
    title: str
    thesis: KialoClaim


class KialoFormatError(ValueError):
    """Text that is not a discussion in Kialo's numbered format."""


def parse_kialo(text: str) -> KialoDiscussion:
    """Read a discussion in Kialo's numbered format: the inverse of :func:`to_kialo`.

    Every claim's parent must come before it and children must be numbered 1, 2, ... in order,
    as Kialo writes them; anything else is refused with the line at fault.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].startswith(_TITLE):
        raise KialoFormatError("the first line must be 'Discussion Title: ...'")
    title = lines[0][len(_TITLE):].strip()
    claims: dict[str, KialoClaim] = {}
    thesis: KialoClaim | None = None
    for line_number, line in enumerate(lines[1:], 2):
        match = _CLAIM.match(line)
        if match is None:
            raise KialoFormatError(f"line {line_number} is not a numbered claim: {line[:60]!r}")
        number, stance = match["number"], match["stance"]
        claim = KialoClaim(stance=stance, text=match["text"])
        if number == "1":
            if thesis is not None or stance is not None:
                raise KialoFormatError(f"line {line_number}: the thesis must be one '1. ...'")
            thesis = claim
        else:
            parent_number, _, index = number.rpartition(".")
            parent = claims.get(parent_number)
            if parent is None or stance is None or int(index) != len(parent.children) + 1:
                raise KialoFormatError(f"line {line_number}: claim {number} is out of place")
            parent.children.append(claim)
        claims[number] = claim
    if thesis is None:
        raise KialoFormatError("no thesis ('1. ...')")
    return KialoDiscussion(title=title, thesis=thesis)
