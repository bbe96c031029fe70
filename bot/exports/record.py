"""One debate as a tree of frozen dataclasses, read from the store: what every export renders.

A debate is a published piece: its thesis, its arguments in order, and under each argument the
counterarguments members posted and the rebuttals that answer them, to any depth, each with its
tally and the "changed my mind" awards it earned.

Members are never named unless they opted in to being named (``names``): everyone else is
"Member N", numbered in the order they first took part in this debate, so one member keeps one
number throughout a page and the numbers say nothing outside it. A withdrawn contribution stays
in the tree as a tombstone (its replies stay reachable under it) but its text is not exported:
its author took it back. So does one a moderator removed, its tombstone naming the reason
("removed by a moderator: <reason>"); its votes are out of its tally while it is removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.markup import web_url
from bot.store import NotFound, Store, Tally, VoteTarget
from bot.store.datarights import ERASED_MEMBER
from bot.store.records import Contribution
from bot.summaries.model import channel_link

WITHDRAWN = "withdrawn by its author"
REMOVED = "removed by a moderator"


#: A contribution whose author had their data erased (/me delete): no text, no author.
ERASED = "removed at the author's request"
ERASED_AUTHOR = "A former member"


@dataclass(frozen=True, slots=True)
class ContributionNode:
    """A counterargument (answers its argument) or a rebuttal (answers ``replies``' parent)."""

    id: int
    kind: Literal["counter", "rebuttal"]
    author: str
    #: ``None`` for a tombstone: then ``tombstone`` says why the text is gone.
    body: str | None
    tombstone: str | None
    created_at: datetime
    edited_at: datetime | None
    tally: Tally
    minds_changed: int
    link: str | None
    replies: tuple[ContributionNode, ...] = ()

    def walk(self) -> list[ContributionNode]:
        """This contribution and every reply under it, depth first."""
        return [self, *(node for reply in self.replies for node in reply.walk())]


@dataclass(frozen=True, slots=True)
class ArgumentNode:
    """One argument of the piece and the debate under it."""

    id: int
    number: int
    title: str
    text: str
    tally: Tally
    link: str | None  # its thread in Discord
    counters: tuple[ContributionNode, ...] = ()

    @property
    def claim(self) -> str:
        """The argument as one statement: its text, led by its title when the title is a
        heading of its own rather than the text's opening words."""
        if not self.title or _squash(self.text).startswith(_squash(self.title).rstrip(".:")):
            return self.text
        if not self.text:
            return self.title
        title = self.title.rstrip()
        # "Tarnished credibility." reads on into its text; "Reason 1" needs a colon to.
        return f"{title} {self.text}" if title.endswith((".", "!", "?", ":")) else (
            f"{title}: {self.text}")

    def contributions(self) -> list[ContributionNode]:
        return [node for counter in self.counters for node in counter.walk()]


@dataclass(frozen=True, slots=True)
class DebateRecord:
    """A piece and its whole debate, as of ``exported_at`` (``None``: undated, for pages that
    are rebuilt only when what they show changes)."""

    guild_id: int
    piece_id: int
    title: str
    url: str | None
    author: str | None
    outlet: str | None
    thesis: str
    conclusion: str | None
    published_at: datetime | None
    link: str | None  # the piece's card in Discord
    exported_at: datetime | None
    arguments: tuple[ArgumentNode, ...] = ()

    def contributions(self) -> list[ContributionNode]:
        return [node for argument in self.arguments for node in argument.contributions()]


async def read_debate(store: Store, guild_id: int, piece_id: int, *,
                      names: Mapping[int, str] | None = None,
                      now: datetime | None = None) -> DebateRecord:
    """The debate on piece ``piece_id`` of server ``guild_id``.

    ``names`` maps the members who opted in to being named to the name to show. ``NotFound``
    when the server has no such piece (a server never reads another's debates).
    """
    piece = await store.get_piece(piece_id)
    if piece is None or piece.guild_id != guild_id:
        raise NotFound(f"this server has no piece {piece_id}")
    arguments = await store.list_arguments(piece_id)
    trees = [await store.list_contributions(argument.id) for argument in arguments]
    authors = _Pseudonyms(names or {})
    for contribution in sorted((c for tree in trees for c in tree),
                               key=lambda c: (c.created_at, c.id)):
        authors.label(contribution.author_id)
    awards: dict[int, int] = {}
    for award in await store.list_awards(guild_id=guild_id):
        if award.active:  # neither withdrawn by its giver nor revoked by a moderator
            awards[award.contribution_id] = awards.get(award.contribution_id, 0) + 1

    async def node(contribution: Contribution, children: dict[int | None, list[Contribution]],
                   thread_id: int | None) -> ContributionNode:
        replies = [await node(child, children, thread_id)
                   for child in children.get(contribution.id, [])]
        link = (channel_link(guild_id, thread_id, contribution.message_id)
                if thread_id is not None and contribution.message_id is not None else None)
        return ContributionNode(
            id=contribution.id, kind=contribution.kind,
            author=authors.label(contribution.author_id),
            body=None if not contribution.live else contribution.body,
            tombstone=_tombstone(contribution),
            created_at=contribution.created_at, edited_at=contribution.edited_at,
            tally=await store.tally(VoteTarget.contribution(contribution.id)),
            minds_changed=awards.get(contribution.id, 0), link=link, replies=tuple(replies))

    argument_nodes = []
    for argument, tree in zip(arguments, trees, strict=True):
        children: dict[int | None, list[Contribution]] = {}
        for contribution in sorted(tree, key=lambda c: (c.created_at, c.id)):
            children.setdefault(contribution.parent_id, []).append(contribution)
        counters = [await node(c, children, argument.thread_id) for c in children.get(None, [])]
        argument_nodes.append(ArgumentNode(
            id=argument.id, number=argument.number, title=argument.title, text=argument.text,
            tally=await store.tally(VoteTarget.argument(argument.id)),
            link=(channel_link(guild_id, argument.thread_id)
                  if argument.thread_id is not None else None),
            counters=tuple(counters)))
    return DebateRecord(
        guild_id=guild_id, piece_id=piece.id, title=piece.title or piece.url,
        url=web_url(piece.url), author=piece.author, outlet=piece.outlet, thesis=piece.thesis,
        conclusion=piece.conclusion, published_at=piece.published_at,
        link=(channel_link(guild_id, piece.channel_id, piece.message_id)
              if piece.message_id is not None else None),
        exported_at=now or datetime.now(UTC), arguments=tuple(argument_nodes))


def _tombstone(contribution: Contribution) -> str | None:
    """Why a contribution's text is not exported: its author had their data erased, a
    moderator removed it (and why), or its author withdrew it; ``None`` for a live one."""
    if contribution.erased:
        return ERASED
    if contribution.removal is not None:
        reason = " ".join((contribution.removal.reason or "").split())
        return f"{REMOVED}: {reason}" if reason else REMOVED
    return WITHDRAWN if contribution.withdrawn else None


class _Pseudonyms:
    """"Member 1", "Member 2", ... in order of first appearance; opted-in members by name."""

    def __init__(self, names: Mapping[int, str]) -> None:
        self._names = names
        self._numbers: dict[int, int] = {}

    def label(self, member_id: int) -> str:
        if member_id == ERASED_MEMBER:
            return ERASED_AUTHOR  # no number: who they were is what they asked to erase
        if member_id in self._names:
            return self._names[member_id]
        number = self._numbers.setdefault(member_id, len(self._numbers) + 1)
        return f"Member {number}"


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


async def pieces_to_export(store: Store, guild_id: int, typed: str = "",
                           limit: int = 25) -> list[tuple[int, str]]:
    """The server's published pieces whose title (or address) contains ``typed``, newest
    first, as (piece id, title): what a member picks a debate from."""
    needle = typed.strip().casefold()
    found = []
    for piece in reversed(await store.list_pieces(states=("published",), guild_id=guild_id)):
        title = piece.title or piece.url
        if needle in title.casefold() or needle == str(piece.id):
            found.append((piece.id, title))
            if len(found) == limit:
                break
    return found
