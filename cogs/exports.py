"""/debate export: one debate's whole record as a file, in the format a member asks for."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import UserFacingError
from bot.exports import FORMATS, pieces_to_export, read_debate
from bot.markup import plain
from bot.store import NotFound
from bot.text import shorten
from cogs.utils.options import IdOption
from cogs.utils.replies import NO_MENTIONS

if TYPE_CHECKING:
    from bot.client import CounterpointBot

#: Discord takes files up to 10 MiB from a bot; a debate this large is better taken with the
#: command line (``python -m bot export``), which has no limit.
MAX_FILE_BYTES = 10 * 1024 * 1024
_PICK_A_PIECE = "Pick a piece from the list that appears as you type."


class ExportFailed(UserFacingError):
    """A debate that cannot be sent as asked."""


class PieceOption(IdOption):
    """The ``piece`` option: one of this server's published pieces, offered by title as the
    member types, given to the command as its id."""

    def refusal(self) -> UserFacingError:
        return ExportFailed(_PICK_A_PIECE)

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str, /
                           ) -> list[app_commands.Choice[int | float | str]]:
        bot = interaction.client
        store = getattr(bot, "store", None)
        if interaction.guild_id is None or store is None:
            return []
        pieces = await pieces_to_export(store, interaction.guild_id, str(value))
        return [app_commands.Choice(name=shorten(title, 100) or f"Piece {piece_id}",
                                    value=str(piece_id)) for piece_id, title in pieces]


class Exports(commands.Cog):
    def __init__(self, bot: CounterpointBot) -> None:
        self.bot = bot

    debate = app_commands.Group(name="debate", description="A debate's whole record",
                                guild_only=True)

    @debate.command(name="export")
    @app_commands.describe(
        piece="The piece whose debate to export (type to search by title)",
        format="The file's format (default: a web page)",
        public="Post the file in this channel for everyone (default: only you see it)")
    @app_commands.choices(format=[app_commands.Choice(name=f"{f.name} · {f.description}",
                                                      value=f.name) for f in FORMATS.values()])
    @app_commands.checks.cooldown(4, 60.0, key=lambda i: (i.guild_id, i.user.id))
    async def export(self, interaction: discord.Interaction,
                     piece: app_commands.Transform[int, PieceOption],
                     format: str = "html", public: bool = False) -> None:
        """One debate's whole record as a file: web page, Markdown, Kialo or JSON"""
        assert interaction.guild_id is not None  # guild_only
        chosen = FORMATS[format]
        try:
            record = await read_debate(
                self.bot.store, interaction.guild_id, piece,
                names=await self.bot.store.board_names(interaction.guild_id))
        except NotFound as exc:
            raise ExportFailed(f"This server has no piece {piece}. {_PICK_A_PIECE}") from exc
        data = chosen.render(record).encode("utf-8")
        if len(data) > MAX_FILE_BYTES:
            raise ExportFailed("This debate is larger than the 10 MB Discord lets a bot send. "
                               "Ask whoever runs the bot for `python -m bot export`, which has "
                               "no limit.")
        # Checks done before deferring, so a refusal is never public.
        await interaction.response.defer(ephemeral=not public, thinking=True)
        counted = len(record.contributions())
        await interaction.edit_original_response(
            content=(f"The debate on **{plain(shorten(record.title, 200), links=False)}**: "
                     f"{len(record.arguments)} argument{'s' * (len(record.arguments) != 1)}, "
                     f"{counted} counterargument{'s' * (counted != 1)} and rebuttal"
                     f"{'s' * (counted != 1)}, as {chosen.description}. Members are numbered, "
                     "not named, unless they opted in with /boards opt-in."),
            attachments=[discord.File(io.BytesIO(data),
                                      filename=f"debate-{record.piece_id}{chosen.suffix}")],
            allowed_mentions=NO_MENTIONS)


async def setup(bot: CounterpointBot) -> None:
    await bot.add_cog(Exports(bot))
