"""Options a member picks from autocomplete: shown by name, sent to the command as an id."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserFacingError


class IdOption(app_commands.Transformer):
    """A string option whose choices' values are ids (``"12"``, or ``"#12"`` typed by hand);
    the command gets the id as an ``int``. Anything else (a title typed without picking a
    choice) is refused with :meth:`refusal`, shown by the command tree."""

    def refusal(self) -> UserFacingError:
        return UserFacingError("Pick one of the choices that appear as you type.")

    async def transform(self, interaction: discord.Interaction, value: str, /) -> int:
        text = value.strip().lstrip("#")
        if not text.isdigit():
            raise self.refusal()
        return int(text)
