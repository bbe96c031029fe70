"""The steps of publishing one piece, each recorded in the store once Discord confirms it.

Every step first looks for what an earlier attempt may have done without recording it (a
resumed publish: by nonce, or among the bot's own recent messages and active threads), then
asks Discord, then records. :class:`bot.publishing.publisher.Publisher` orders the steps,
holds the piece's lease and decides what a failure means.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence

from bot.publishing.payloads import (
    OpeningChunk,
    build_card,
    card_nonce,
    opening_chunks,
    piece_link,
    ping_nonce,
    role_mention,
    role_ping_text,
    thread_name,
)
from bot.publishing.port import ChannelKind, DiscordPort, PostedMessage
from bot.store import ArgumentRecord, Conflict, PieceRecord, Store


class PieceSteps:
    """Card, threads, openings and role ping of a piece, posted at most once each.

    ``go_on`` is called before each call that asks Discord to act; it raises to stop there
    (the bot is shutting down).
    """

    def __init__(self, store: Store, port: DiscordPort, go_on: Callable[[], None]) -> None:
        self.store = store
        self.port = port
        self._go_on = go_on

    async def card(
        self, piece: PieceRecord, arguments: Sequence[ArgumentRecord], resuming: bool
    ) -> PieceRecord:
        if piece.message_id is not None:
            return piece
        message_id: int | None = None
        if resuming:
            # Beyond the nonce window Discord would post again: look for our card first.
            found = await self.port.own_messages(piece.channel_id)
            url = piece_link(piece)
            message_id = next((m.id for m in found if url is not None and url in m.embed_urls),
                              None)
        if message_id is None:
            self._go_on()
            message_id = await self.port.send_piece_card(
                piece.channel_id, build_card(piece, arguments), card_nonce(piece.id))
        try:
            return await self.store.record_piece_message(piece.id, message_id)
        except Conflict:
            # Another process recorded its card first; that one is the card.
            current = await self.store.get_piece(piece.id)
            assert current is not None
            return current

    async def ping(
        self, piece: PieceRecord, arguments: Sequence[ArgumentRecord], resuming: bool
    ) -> None:
        """The last step of a feed's piece: ping the role its subscription names, if any,
        once everything is posted (in a text channel a reply to the card; a forum has no
        card, so in the first post)."""
        if piece.subscription_id is None or piece.ping_message_id is not None:
            return
        subscription = await self.store.get_subscription(piece.subscription_id)
        if subscription is None or subscription.mention_role_id is None:
            return
        role_id = subscription.mention_role_id
        where = piece.channel_id if piece.message_id is not None else arguments[0].thread_id
        assert where is not None
        message_id: int | None = None
        if resuming:
            # Beyond the nonce window Discord would send it again: look for our ping first.
            found = await self.port.own_messages(where)
            message_id = next(
                (m.id for m in found if m.content.startswith(role_mention(role_id))), None)
        if message_id is None:
            self._go_on()
            message_id = await self.port.send_role_ping(
                where, role_ping_text(piece, role_id), role_id, ping_nonce(piece.id),
                reply_to=piece.message_id)
        # Conflict: another process recorded its ping first; one is enough.
        with contextlib.suppress(Conflict):
            await self.store.record_piece_ping(piece.id, message_id)

    async def thread(
        self,
        piece: PieceRecord,
        argument: ArgumentRecord,
        total: int,
        kind: ChannelKind,
        tag_id: int | None,
        resuming: bool,
    ) -> tuple[ArgumentRecord, list[int] | None]:
        """The argument's thread: recorded already, found again after a crash, or created.

        Returns the argument as recorded and, when this call created the thread, the ids of
        the opening chunks its creation already posted (a forum post's first message);
        ``None`` when the thread existed before, so what it holds must be looked up.
        """
        if argument.thread_id is not None:
            return argument, None
        name = thread_name(argument)
        thread_id = await self.port.find_thread(piece.channel_id, name) if resuming else None
        sent: list[int] | None = None
        if thread_id is None:
            if kind == "forum":
                first = opening_chunks(piece, argument, total)[0]
                post = await self.port.create_forum_post(piece.channel_id, name, first, tag_id)
                thread_id, sent = post.thread_id, [post.message_id]
            else:
                thread_id, sent = await self.port.create_thread(piece.channel_id, name), []
        recorded = await self._record(self.store.record_argument_thread, argument, thread_id)
        if recorded.thread_id != thread_id:
            sent = None  # another process's thread won: what it holds is unknown here
        return recorded, sent

    async def opening(
        self,
        arguments: list[ArgumentRecord],
        index: int,
        piece: PieceRecord,
        total: int,
        sent: list[int] | None,
    ) -> None:
        """Post what the argument's thread lacks of its opening, then record it."""
        argument = arguments[index]
        if argument.opening_message_id is None:
            assert argument.thread_id is not None
            chunks = opening_chunks(piece, argument, total)
            if sent is None:
                sent = _matching_prefix(chunks, await self.port.own_messages(argument.thread_id))
            for chunk in chunks[len(sent):]:
                self._go_on()
                sent.append(await self.port.send_opening(argument.thread_id, chunk))
            argument = await self._record(self.store.record_argument_opening, argument, sent[-1])
        arguments[index] = argument

    async def _record(
        self,
        record: Callable[[int, int], Awaitable[ArgumentRecord]],
        argument: ArgumentRecord,
        value: int,
    ) -> ArgumentRecord:
        try:
            return await record(argument.id, value)
        except Conflict:
            # Recorded concurrently by another process: keep what the store says.
            current = await self.store.get_argument(argument.id)
            assert current is not None
            return current


def _matching_prefix(chunks: Sequence[OpeningChunk], posted: Sequence[PostedMessage]) -> list[int]:
    """Ids of the posted messages that already are the first chunks, in order."""
    ids: list[int] = []
    for chunk, message in zip(chunks, posted, strict=False):
        if message.content.strip() != chunk.content.strip():
            break
        ids.append(message.id)
    return ids
