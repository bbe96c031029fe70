"""Keeping publishing under Discord's global limit: a port that paces its calls.

Discord allows a bot 50 requests a second in all. discord.py learns each route's bucket from
the headers, but the global limit only from a 429, after which every request waits; channels
publishing side by side (``Publisher.hand_on``) would meet it again and again. So the calls
that reach Discord through the publisher's port are paced: at most ``per_second`` start in
any one second (a sliding window), a little under Discord's 50 to leave room for the bot's
other calls (tally edits, replies) and for calls that start together but arrive apart.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Sequence

from bot.publishing.payloads import OpeningChunk, PieceCard
from bot.publishing.port import ChannelKind, DiscordPort, ForumPost, PostedMessage

#: Calls a second the publisher starts at most (Discord's global limit is 50).
PUBLISH_CALLS_PER_SECOND = 45


class SlidingWindow:
    """At most ``limit`` starts in any ``window`` seconds; :meth:`slot` waits for a turn."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def slot(self) -> None:
        async with self._lock:  # first come, first served
            while True:
                now = time.monotonic()
                while self._starts and self._starts[0] <= now - self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                await asyncio.sleep(self._starts[0] + self.window - now)


class PacedPort:
    """A :class:`DiscordPort` whose calls to Discord each wait for a :class:`SlidingWindow`
    slot; cache reads (``channel_kind``, ``missing_permissions``) are not paced."""

    def __init__(self, inner: DiscordPort, per_second: int = PUBLISH_CALLS_PER_SECOND) -> None:
        self.inner = inner
        self.pace = SlidingWindow(per_second)

    async def channel_kind(self, channel_id: int) -> ChannelKind:
        return await self.inner.channel_kind(channel_id)

    async def missing_permissions(self, channel_id: int, names: Sequence[str]) -> list[str]:
        return await self.inner.missing_permissions(channel_id, names)

    async def send_piece_card(self, channel_id: int, card: PieceCard, nonce: str) -> int:
        await self.pace.slot()
        return await self.inner.send_piece_card(channel_id, card, nonce)

    async def edit_piece_card(self, channel_id: int, message_id: int, card: PieceCard) -> None:
        await self.pace.slot()
        await self.inner.edit_piece_card(channel_id, message_id, card)

    async def send_role_ping(self, channel_id: int, text: str, role_id: int, nonce: str,
                             reply_to: int | None = None) -> int:
        await self.pace.slot()
        return await self.inner.send_role_ping(channel_id, text, role_id, nonce, reply_to)

    async def create_thread(self, channel_id: int, name: str) -> int:
        await self.pace.slot()
        return await self.inner.create_thread(channel_id, name)

    async def create_forum_post(
        self, channel_id: int, name: str, first: OpeningChunk, tag_id: int | None
    ) -> ForumPost:
        await self.pace.slot()
        return await self.inner.create_forum_post(channel_id, name, first, tag_id)

    async def find_thread(self, channel_id: int, name: str) -> int | None:
        await self.pace.slot()
        return await self.inner.find_thread(channel_id, name)

    async def send_opening(self, thread_id: int, chunk: OpeningChunk) -> int:
        await self.pace.slot()
        return await self.inner.send_opening(thread_id, chunk)

    async def own_messages(self, channel_id: int, limit: int = 50) -> list[PostedMessage]:
        await self.pace.slot()
        return await self.inner.own_messages(channel_id, limit)

    async def ensure_forum_tag(self, channel_id: int, name: str) -> int | None:
        await self.pace.slot()
        return await self.inner.ensure_forum_tag(channel_id, name)

    async def notify_moderators(self, guild_id: int, channel_id: int, text: str) -> bool:
        await self.pace.slot()
        return await self.inner.notify_moderators(guild_id, channel_id, text)
