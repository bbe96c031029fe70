"""Public boards and "changed my mind" moderation: ``/boards`` for members, ``/awards`` for
moderators.

``/boards opt-in [name]`` lets a member be named (as ``name``, or their server display name)
on the weekly summary's awards board and in debate exports; ``/boards opt-out`` stops it.
``/awards list message`` shows a contribution's awards with their numbers and givers;
``/awards revoke award reason`` revokes one (kept in the record, no longer counted), with the
reason in the moderation log. The rules live in :class:`bot.debate.DebateService`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.debate import UnknownTarget
from bot.debate.gates import discord_time
from bot.debate.rules import DEFAULT_MAX_REASON_LENGTH, clean_reason
from bot.markup import plain
from bot.store import Award, Contribution, VoteTarget
from cogs.utils.checks import moderator_group, moderator_only
from cogs.utils.controls import refresh_buttons
from cogs.utils.replies import reply

if TYPE_CHECKING:
    from bot.client import CounterpointBot

#: The longest name shown on a board (Discord's display names are at most 32).
MAX_BOARD_NAME = 32
MANAGE_AWARDS = "manage \"changed my mind\" awards"
_MESSAGE_ID = re.compile(r"(\d{15,20})\s*/?\s*$")


def message_id_of(text: str) -> int | None:
    """The message id in a message link (``.../channels/g/c/m``) or a bare id."""
    match = _MESSAGE_ID.search(text.strip())
    return int(match.group(1)) if match else None


def award_line(award: Award) -> str:
    if award.withdrawn_at is not None:
        state = " · withdrawn by its giver"
    elif award.revocation is not None:
        state = f" · revoked: {plain(award.revocation.reason or '')}"
    else:
        state = ""
    reason = plain(award.reason) if award.reason else "(no reason given)"
    return (f"**#{award.id}** by <@{award.member_id}> {discord_time(award.created_at)}"
            f"{state}\n> {reason}")


class Boards(commands.Cog):
    """``/boards`` (members) and ``/awards`` (moderators)."""

    boards = app_commands.Group(name="boards", description="Be named, or not, on this "
                                "server's public boards", guild_only=True)
    awards = moderator_group("awards", "\"Changed my mind\" awards (moderators)")

    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot

    # --- /boards ----------------------------------------------------------------------------

    @boards.command(name="opt-in")
    @app_commands.describe(name="The name to show (default: your name in this server)")
    async def opt_in(self, interaction: discord.Interaction,
                     name: app_commands.Range[str, 1, MAX_BOARD_NAME] | None = None) -> None:
        """Be named on the weekly awards board and in debate exports"""
        assert interaction.guild_id is not None
        shown = clean_reason(name) or clean_reason(interaction.user.display_name) or \
            interaction.user.name
        member = await self.bot.store.opt_in_boards(interaction.guild_id, interaction.user.id,
                                                    shown[:MAX_BOARD_NAME])
        await reply(interaction, f"You're on this server's public boards as "
                                 f"**{plain(member.display_name)}**: the weekly awards board "
                                 "names you when your points change minds, and debate exports "
                                 "show this name instead of \"Member N\". /boards opt-out "
                                 "takes you off.")

    @boards.command(name="opt-out")
    async def opt_out(self, interaction: discord.Interaction) -> None:
        """Stop being named on this server's public boards"""
        assert interaction.guild_id is not None
        removed = await self.bot.store.opt_out_boards(interaction.guild_id, interaction.user.id)
        await reply(interaction, "You're off the public boards: from now on you're counted, "
                                 "never named." if removed else
                                 "You weren't on the public boards: you're counted, never "
                                 "named. /boards opt-in puts you on them.")

    # --- /awards ----------------------------------------------------------------------------

    @awards.command(name="list")
    @app_commands.describe(message="The contribution's message: a link (Copy Message Link) "
                                   "or its id")
    @moderator_only(MANAGE_AWARDS)
    async def list_awards(self, interaction: discord.Interaction, message: str) -> None:
        """A contribution's "changed my mind" awards"""
        assert interaction.guild_id is not None
        contribution = await self._contribution(interaction.guild_id, message)
        awards = await self.bot.store.list_awards(contribution_id=contribution.id)
        if not awards:
            await reply(interaction, "Nobody has credited this contribution with changing "
                                     "their mind.")
            return
        lines = [award_line(a) for a in awards]
        text = "\n".join(lines)
        while len(text) > 1900 and len(lines) > 1:
            lines.pop()
            text = "\n".join(lines) + f"\n… and {len(awards) - len(lines)} more"
        await reply(interaction, text)

    @awards.command(name="revoke")
    @app_commands.describe(award="The award's number (from /awards list)",
                           reason="Why: shown to moderators in the moderation log")
    @moderator_only(MANAGE_AWARDS)
    async def revoke(self, interaction: discord.Interaction,
                     award: app_commands.Range[int, 1, 2**53 - 1],
                     reason: app_commands.Range[str, 1, DEFAULT_MAX_REASON_LENGTH]) -> None:
        """Revoke a "changed my mind" award, with a reason (kept in the record)"""
        assert interaction.guild_id is not None
        revoked = await self.bot.debate.revoke_award(interaction.guild_id, award,
                                                     interaction.user.id, reason)
        contribution = await self.bot.store.get_contribution(revoked.contribution_id)
        if contribution is not None and contribution.message_id is not None:
            argument = await self.bot.store.get_argument(contribution.argument_id)
            if argument is not None and argument.thread_id is not None:
                refresh_buttons(self.bot, argument.thread_id, contribution.message_id,
                                VoteTarget.contribution(contribution.id))
        # Revoked before: the first revocation's reason stands.
        why = revoked.revocation.reason if revoked.revocation is not None else reason
        await reply(interaction, f"Award #{revoked.id} is revoked: it stays in the record and "
                                 f"no longer counts. Reason (in the moderation log): "
                                 f"{plain(why or '')}")

    async def _contribution(self, guild_id: int, message: str) -> Contribution:
        message_id = message_id_of(message)
        if message_id is None:
            raise UnknownTarget("contribution", 0, (
                "Give the contribution's message as a link (right-click it, Copy Message "
                "Link) or its id."))
        contribution = await self.bot.debate.contribution_for_message(message_id)
        if contribution.guild_id != guild_id:
            raise UnknownTarget("contribution", contribution.id)
        return contribution


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Boards(bot))
