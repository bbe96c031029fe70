"""``/piece post`` for moderators, and the loop that retries pieces left unpublished.

The publishing itself is :class:`bot.publishing.Publisher`'s; this cog turns a command into a
queue-and-publish call and shows its progress in the deferred reply.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.articles.model import Piece
from bot.feeds.fetch import FetchError
from bot.markup import plain, web_url
from bot.pace import Pace
from bot.pipeline import SourceError, is_url, read_source
from bot.publishing import Publisher, PublishResult, is_split_confidently
from bot.publishing.payloads import channel_link, fit
from bot.publishing.publisher import PUBLISHED
from bot.store import PieceRecord
from cogs.utils.checks import ensure_moderator, moderator_group
from cogs.utils.loops import start_paced
from cogs.utils.progress import ProgressReply

if TYPE_CHECKING:
    from bot.client import CounterpointBot

log = logging.getLogger(__name__)



class Pieces(commands.Cog):
    """Posting pieces by hand, and finishing whatever a crash or a refusal left pending."""

    piece = moderator_group("piece", "Post pieces by hand")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot
        self.publisher: Publisher = bot.publisher

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # The default permissions only hide the command, and a server may widen them in its
        # settings: moderators post pieces, so check on every use like /feed and /config.
        return await ensure_moderator(interaction, "post pieces")

    async def cog_load(self) -> None:
        start_paced(self.retry_loop, minutes=self.bot.pace.retry_minutes)

    async def cog_unload(self) -> None:
        self.retry_loop.cancel()

    # The first run comes right after the gateway is ready: that is the restart's resume.
    @tasks.loop(minutes=Pace.retry_minutes)
    async def retry_loop(self) -> None:
        try:
            results = await self.publisher.resume()
        except Exception:
            log.exception("resuming unpublished pieces failed")
            return
        for result in results:
            if result.outcome == "published":
                log.info("piece %s published on retry", result.piece_id)
        if not self.bot.resumed.is_set():
            outcomes = [r.outcome for r in results]
            log.info("started: %d unfinished pieces resumed (%d published, %d failed, %d held "
                     "by another process, tried again when its lease runs out)", len(results),
                     outcomes.count("published"), outcomes.count("failed"),
                     outcomes.count("busy"))
        # ``on_pieces_resumed(results)``: the client's ``resumed`` is set on the first.
        self.bot.dispatch("pieces_resumed", results)

    @retry_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    @piece.command(name="post")
    @app_commands.describe(url="The piece's web address (http or https)",
                           channel="The text channel or forum to post it in")
    async def post(self, interaction: discord.Interaction, url: str,
                   channel: discord.TextChannel | discord.ForumChannel) -> None:
        # Reading starts while Discord takes the acknowledgement: over a real network that
        # round trip is as long as reading a piece, and nothing but the reply needs it done.
        # Should it fail, the piece is still posted: the moderator asked for it, and running
        # the command again answers "Already posted".
        """Read a piece from a URL and post it, one thread per argument"""
        acknowledged = asyncio.ensure_future(
            interaction.response.defer(ephemeral=True, thinking=True))
        try:
            # Progress edits of the deferred reply must never hold up reading or publishing.
            async with ProgressReply.for_interaction(interaction, after=acknowledged) as progress:
                await progress.final(await self._post(url, channel, interaction, progress))
        finally:
            # Settled before any error reaches the command error handler, which answers
            # through the same interaction.
            await asyncio.wait([acknowledged])
            if not acknowledged.cancelled() and acknowledged.exception() is not None:
                log.warning("could not acknowledge /piece post: %s", acknowledged.exception())

    async def _post(self, url: str, channel: discord.TextChannel | discord.ForumChannel,
                    interaction: discord.Interaction, progress: ProgressReply) -> str:
        """Read, queue and publish the piece, reporting as it goes; returns the final reply."""
        url = url.strip()
        if not is_url(url):
            return "That is not a web address: give a link starting with https://."
        progress.report(f"Reading {plain(url)} …")
        try:
            piece = await read_source(url, self.bot.fetcher)
        except (FetchError, SourceError, ValueError) as exc:
            return f"I could not read that piece: {exc}"
        guild_id = interaction.guild_id or channel.guild.id
        # A feed or a page that names its canonical address gives the article's own URL: that
        # is the piece's identity, so the same article is never posted twice to a channel
        # whichever address the moderator pasted.
        # Either way it is shown and linked on Discord: only a valid http(s) URL, encoded.
        address = web_url(piece.url) or web_url(url)
        if address is None:
            return ("That is not a web address I can link to: give a link starting with "
                    "https:// and a host name, such as https://example.org/opinion/piece.")
        url = address
        record = await self.publisher.queue(guild_id, channel.id, piece, url=url)
        if record is None:
            existing = await self.bot.store.get_piece_by_url(guild_id, channel.id, url)
            assert existing is not None
            if existing.state == "published":
                return f"Already posted in <#{channel.id}>: {self._where(existing)}"
            record = existing
        title = fit(piece.title or url, 300, links=False)
        progress.report(f"Read **{title}**: {_reading(piece)}. Posting …")

        async def publishing(text: str) -> None:
            # "Published." says less than the final reply right behind it: the last thread
            # opened stays on screen until then.
            if text != PUBLISHED:
                progress.report(text)

        result = await self.publisher.publish(record.id, progress=publishing)
        for delay in self.bot.pace.quick_retries:
            if result.outcome != "failed" or not result.retryable:
                break
            progress.report(f"Discord is struggling ({result.detail}); trying again in "
                            f"{delay:g} seconds …")
            await asyncio.sleep(delay)
            result = await self.publisher.publish(record.id, progress=publishing)
        return await self._summary(result, channel.id)

    async def _summary(self, result: PublishResult, channel_id: int) -> str:
        piece = result.piece
        if result.outcome == "stopped":
            return f"Not posted yet: {result.detail}."
        if result.outcome == "busy" or piece is None:
            return "That piece is being posted right now."
        if result.ok:
            return f"Posted in <#{channel_id}> ({result.detail}): {self._where(piece)}"
        return (f"Not posted yet: {result.detail}. The piece is kept and I retry it every "
                f"{self.bot.pace.retry_minutes:g} minutes; nothing already posted will be posted "
                "twice.")

    def _where(self, piece: PieceRecord) -> str:
        if piece.message_id is not None:
            return channel_link(piece.guild_id, piece.channel_id, piece.message_id)
        return channel_link(piece.guild_id, piece.channel_id)


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Pieces(bot))


def _reading(piece: Piece) -> str:
    """How the piece was split, as the moderator needs to know it."""
    count = len(piece.arguments)
    if is_split_confidently(piece):
        return f"{count} enumerated argument{'s' if count != 1 else ''}"
    if count:
        return (f"{count} possible arguments, but the split is uncertain (confidence "
                f"{piece.confidence:.2f}), so one thread for the whole piece")
    return "no enumerated arguments, so one thread for the whole piece"
