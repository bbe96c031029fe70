"""An in-memory Discord behind the publisher's port, with crashes and refusals on demand."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Literal

from bot.publishing import (
    ChannelKind,
    ForumPost,
    MissingPermissions,
    OpeningChunk,
    PieceCard,
    PortError,
    PostedMessage,
)


class Crash(BaseException):
    """The process dies here: nothing in the publisher may catch it."""


@dataclass
class FakeMessage:
    id: int
    channel_id: int
    content: str
    nonce: str | None
    embed_url: str | None = None
    card: PieceCard | None = None
    controls: int | None = None
    edits: int = 0
    pinged_role: int | None = None
    reply_to: int | None = None


@dataclass
class FakeThread:
    id: int
    parent_id: int
    name: str
    tag_id: int | None = None


@dataclass
class FakeDiscord:
    """What "Discord" holds; it outlives a crashed publisher, as the real one would."""

    kinds: dict[int, ChannelKind] = field(default_factory=dict)
    messages: dict[int, FakeMessage] = field(default_factory=dict)
    threads: dict[int, FakeThread] = field(default_factory=dict)
    tags: dict[int, dict[str, int]] = field(default_factory=dict)
    notices: list[tuple[int, int, str]] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def in_channel(self, channel_id: int) -> list[FakeMessage]:
        return sorted((m for m in self.messages.values() if m.channel_id == channel_id),
                      key=lambda m: m.id)

    def threads_of(self, channel_id: int) -> list[FakeThread]:
        return [t for t in self.threads.values() if t.parent_id == channel_id]


Mode = Literal["before", "after"]


@dataclass(eq=False)
class FakePort:
    """Implements ``DiscordPort``; side effects are counted so a test can crash at step K.

    ``crash_at`` = K makes the K-th side effect (1-based) crash: ``mode="after"`` performs it
    first (Discord acted, the store never heard), ``"before"`` does not. ``nonce_dedupe``
    mimics Discord's few-minute nonce window; off, only reconciliation prevents duplicates.
    """

    d: FakeDiscord
    _: KW_ONLY
    crash_at: int | None = None
    mode: Mode = "after"
    nonce_dedupe: bool = True
    refuse_at: int | None = None
    refusal: PortError | None = None
    missing: Sequence[str] = ()
    can_tag: bool = True
    steps: int = field(default=0, init=False)
    calls: list[str] = field(default_factory=list, init=False)

    def _step(self, name: str) -> bool:
        """Count a side effect; raise the injected refusal, or say whether to crash after."""
        self.steps += 1
        self.calls.append(name)
        if self.refuse_at is not None and self.steps == self.refuse_at:
            raise self.refusal or MissingPermissions(["send_messages"])
        if self.crash_at is not None and self.steps == self.crash_at:
            if self.mode == "before":
                raise Crash(f"before {name}")
            return True
        return False

    def _send(self, channel_id: int, content: str, nonce: str, **extra: object) -> FakeMessage:
        if self.nonce_dedupe:
            for m in self.d.in_channel(channel_id):
                if m.nonce == nonce:
                    return m
        message = FakeMessage(next(self.d.ids), channel_id, content, nonce, **extra)  # type: ignore[arg-type]
        self.d.messages[message.id] = message
        return message

    async def channel_kind(self, channel_id: int) -> ChannelKind:
        return self.d.kinds.get(channel_id, "missing")

    async def missing_permissions(self, channel_id: int, names: Sequence[str]) -> list[str]:
        return [n for n in names if n in self.missing]

    async def send_piece_card(self, channel_id: int, card: PieceCard, nonce: str) -> int:
        crash = self._step("card")
        message = self._send(channel_id, "", nonce, embed_url=card.url, card=card)
        if crash:
            raise Crash("after card")
        return message.id

    async def edit_piece_card(self, channel_id: int, message_id: int, card: PieceCard) -> None:
        crash = self._step("edit")
        message = self.d.messages[message_id]
        message.card = card
        message.edits += 1
        if crash:
            raise Crash("after edit")

    async def send_role_ping(self, channel_id: int, text: str, role_id: int, nonce: str,
                             reply_to: int | None = None) -> int:
        crash = self._step("ping")
        message = self._send(channel_id, text, nonce, pinged_role=role_id, reply_to=reply_to)
        if crash:
            raise Crash("after ping")
        return message.id

    async def create_thread(self, channel_id: int, name: str) -> int:
        crash = self._step("thread")
        thread = FakeThread(next(self.d.ids), channel_id, name)
        self.d.threads[thread.id] = thread
        if crash:
            raise Crash("after thread")
        return thread.id

    async def create_forum_post(
        self, channel_id: int, name: str, first: OpeningChunk, tag_id: int | None
    ) -> ForumPost:
        crash = self._step("post")
        thread = FakeThread(next(self.d.ids), channel_id, name, tag_id)
        self.d.threads[thread.id] = thread
        message = FakeMessage(thread.id, thread.id, first.content, first.nonce,
                              controls=first.controls)
        self.d.messages[message.id] = message
        if crash:
            raise Crash("after post")
        return ForumPost(thread.id, message.id)

    async def find_thread(self, channel_id: int, name: str) -> int | None:
        return next((t.id for t in self.d.threads_of(channel_id) if t.name == name), None)

    async def send_opening(self, thread_id: int, chunk: OpeningChunk) -> int:
        crash = self._step("opening")
        message = self._send(thread_id, chunk.content, chunk.nonce, controls=chunk.controls)
        if crash:
            raise Crash("after opening")
        return message.id

    async def own_messages(self, channel_id: int, limit: int = 50) -> list[PostedMessage]:
        return [PostedMessage(m.id, m.content, (m.embed_url,) if m.embed_url else ())
                for m in self.d.in_channel(channel_id)[-limit:]]

    async def ensure_forum_tag(self, channel_id: int, name: str) -> int | None:
        if not self.can_tag:
            return None
        tags = self.d.tags.setdefault(channel_id, {})
        if name not in tags:
            if len(tags) >= 20:
                return None
            tags[name] = next(self.d.ids)
        return tags[name]

    async def notify_moderators(self, guild_id: int, channel_id: int, text: str) -> bool:
        self.d.notices.append((guild_id, channel_id, text))
        return True
