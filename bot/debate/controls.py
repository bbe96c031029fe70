"""Custom ids of Counterpoint's persistent buttons: pure string functions, no ``discord``.

A custom id carries everything a click needs, so buttons keep working after a restart
without any per-message state::

    cp:v:a:123:+    agree with argument 123          cp:v:c:456:-   disagree with contribution 456
    cp:c:a:123      write a counterargument to 123   cp:r:c:456     rebut contribution 456
    cp:m:c:456      "changed my mind" on 456         cp:e:c:456     edit 456 (its author)
    cp:w:c:456      withdraw 456 (its author)          cp:u:c:456     withdraw my "changed my
                                                                      mind" on 456

``cp`` keeps the namespace apart from other bots' and views' ids; ``a`` / ``c`` say whether
the id is an argument's or a contribution's (the two id sequences overlap). Ids are store ids
(1 to 2**63 - 1, no leading zeros), so the longest custom id is 28 characters, far under
Discord's 100.

For discord.py's ``DynamicItem`` use the ``*_PATTERN`` strings as templates (discord.py
matches them with ``fullmatch``); every pattern names the groups ``id`` and, for votes,
``kind`` and ``value``. The simplest ``from_custom_id`` is ``parse_custom_id(match.string)``.
A modal opened by the Counter or Rebut button may reuse the button's custom id: modal submits
are dispatched apart from component clicks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.store.records import AGREE, DISAGREE, TargetKind, VoteTarget

PREFIX = "cp"
MAX_CUSTOM_ID_LENGTH = 100
MAX_ID = 2**63 - 1  # the store's ids are BIGINT on PostgreSQL, INTEGER (64-bit) on SQLite

ControlAction = Literal["vote", "counter", "rebut", "award", "edit", "withdraw", "unaward"]

_ID = r"(?P<id>[1-9][0-9]{0,18})"
VOTE_PATTERN = rf"{PREFIX}:v:(?P<kind>[ac]):{_ID}:(?P<value>[+-])"
COUNTER_PATTERN = rf"{PREFIX}:c:a:{_ID}"
REBUT_PATTERN = rf"{PREFIX}:r:c:{_ID}"
AWARD_PATTERN = rf"{PREFIX}:m:c:{_ID}"
EDIT_PATTERN = rf"{PREFIX}:e:c:{_ID}"
WITHDRAW_PATTERN = rf"{PREFIX}:w:c:{_ID}"
UNAWARD_PATTERN = rf"{PREFIX}:u:c:{_ID}"

#: Each action's template, e.g. for one ``DynamicItem`` subclass per action.
PATTERNS: dict[ControlAction, str] = {
    "vote": VOTE_PATTERN,
    "counter": COUNTER_PATTERN,
    "rebut": REBUT_PATTERN,
    "award": AWARD_PATTERN,
    "edit": EDIT_PATTERN,
    "withdraw": WITHDRAW_PATTERN,
    "unaward": UNAWARD_PATTERN,
}
_COMPILED = {action: re.compile(pattern) for action, pattern in PATTERNS.items()}
_KIND_CODE: dict[TargetKind, str] = {"argument": "a", "contribution": "c"}
_CODE_KIND: dict[str, TargetKind] = {code: kind for kind, code in _KIND_CODE.items()}
_VALUE_CODE = {AGREE: "+", DISAGREE: "-"}
_CODE_VALUE = {code: value for value, code in _VALUE_CODE.items()}


@dataclass(frozen=True, slots=True)
class Control:
    """What a button does: the action, its target and, for votes, +1 or -1."""

    action: ControlAction
    target: VoteTarget
    value: int | None = None

    @property
    def custom_id(self) -> str:
        if self.action == "vote":
            return vote_custom_id(self.target, self.value if self.value is not None else 0)
        builders = {"counter": counter_custom_id, "rebut": rebut_custom_id,
                    "award": award_custom_id, "edit": edit_custom_id,
                    "withdraw": withdraw_custom_id, "unaward": unaward_custom_id}
        expected: TargetKind = "argument" if self.action == "counter" else "contribution"
        if self.target.kind != expected:
            article = "an" if expected == "argument" else "a"
            raise ValueError(f"a {self.action} control targets {article} {expected}, "
                             f"not {self.target}")
        return builders[self.action](self.target.id)


def _check_id(target_id: int) -> str:
    if isinstance(target_id, bool) or not isinstance(target_id, int) \
            or not 1 <= target_id <= MAX_ID:
        raise ValueError(f"a control's target id is an int from 1 to {MAX_ID}, "
                         f"not {target_id!r}")
    return str(target_id)


def _checked(custom_id: str) -> str:
    # The scheme can't exceed the limit today; the check keeps a future change honest.
    if len(custom_id) > MAX_CUSTOM_ID_LENGTH:
        raise ValueError(f"custom id {custom_id!r} is over {MAX_CUSTOM_ID_LENGTH} characters")
    return custom_id


def vote_custom_id(target: VoteTarget, value: int) -> str:
    """``cp:v:a:123:+`` — agree (+1) or disagree (-1) with an argument or contribution."""
    if target.kind not in _KIND_CODE:
        raise ValueError(f"unknown vote target kind {target.kind!r}")
    if value not in _VALUE_CODE:
        raise ValueError(f"a vote is +1 or -1, not {value!r}")
    return _checked(
        f"{PREFIX}:v:{_KIND_CODE[target.kind]}:{_check_id(target.id)}:{_VALUE_CODE[value]}")


def counter_custom_id(argument_id: int) -> str:
    """``cp:c:a:123`` — open the counterargument form for an argument."""
    return _checked(f"{PREFIX}:c:a:{_check_id(argument_id)}")


def rebut_custom_id(contribution_id: int) -> str:
    """``cp:r:c:456`` — open the rebuttal form for a counter or rebuttal."""
    return _checked(f"{PREFIX}:r:c:{_check_id(contribution_id)}")


def award_custom_id(contribution_id: int) -> str:
    """``cp:m:c:456`` — "this changed my mind"."""
    return _checked(f"{PREFIX}:m:c:{_check_id(contribution_id)}")


def edit_custom_id(contribution_id: int) -> str:
    """``cp:e:c:456`` — edit a contribution (the service checks author and window)."""
    return _checked(f"{PREFIX}:e:c:{_check_id(contribution_id)}")


def withdraw_custom_id(contribution_id: int) -> str:
    """``cp:w:c:456`` — withdraw a contribution (the service checks author and window)."""
    return _checked(f"{PREFIX}:w:c:{_check_id(contribution_id)}")


def unaward_custom_id(contribution_id: int) -> str:
    """``cp:u:c:456`` — withdraw the clicking member's "changed my mind" on 456 (its giver,
    within a day: the service checks)."""
    return _checked(f"{PREFIX}:u:c:{_check_id(contribution_id)}")


def parse_custom_id(custom_id: str) -> Control | None:
    """The control a custom id names, or ``None`` if it is not one of Counterpoint's.

    Only the canonical spelling parses (no leading zeros, no padding), so every control has
    exactly one custom id and ``parse_custom_id(c.custom_id) == c``.
    """
    if not custom_id.startswith(PREFIX + ":") or len(custom_id) > MAX_CUSTOM_ID_LENGTH:
        return None
    for action, pattern in _COMPILED.items():
        match = pattern.fullmatch(custom_id)
        if match is None:
            continue
        target_id = int(match["id"])
        if target_id > MAX_ID:
            return None
        if action == "vote":
            target = VoteTarget(_CODE_KIND[match["kind"]], target_id)
            return Control("vote", target, _CODE_VALUE[match["value"]])
        kind: TargetKind = "argument" if action == "counter" else "contribution"
        return Control(action, VoteTarget(kind, target_id))
    return None
