"""One way to answer a member: the ephemeral reply, and the error path every command, button and
form ends in (the command tree's ``on_error`` is :func:`answer_error`).

A refusal is a :class:`bot.errors.UserFacingError` raised anywhere below a command (a service,
a transformer, a check): nobody catches it to answer; the tree shows its ``user_message``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.errors import UserFacingError
from bot.publishing import PortError
from bot.redact import redact_text
from cogs.utils.permissions import permission_names

log = logging.getLogger("counterpoint.errors")

NO_MENTIONS = discord.AllowedMentions.none()
# Discord's answers to a response that can no longer be given: the interaction's token has
# expired (answered too late, or unknown), or it was answered already.
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
FALLBACK = ("Something went wrong on my side (it has been logged for the bot's operators). "
            "Please try again in a moment.")


async def reply(interaction: discord.Interaction, content: str | None = None, *,
                embeds: Sequence[discord.Embed] = (), replace: bool = False) -> bool:
    """An ephemeral answer, whether or not the interaction was already answered or deferred
    (after a deferral, the first answer takes the place of "thinking…").

    ``replace``: edit the deferred reply instead, so that a command showing its steps keeps
    them in one message. A failure to answer (token expired, Discord down) is logged, never
    raised: there is no one left to tell; ``False`` then. No mentions; credentials in any URL
    it quotes are masked.
    """
    text = redact_text(content) if content is not None else None
    try:
        if replace:
            await interaction.edit_original_response(content=text, embeds=list(embeds),
                                                     allowed_mentions=NO_MENTIONS)
        elif interaction.response.is_done():
            await interaction.followup.send(**_message(text, embeds), ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(**_message(text, embeds), ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        if is_expired(exc):
            log.info("interaction %s expired before it was answered", interaction.id)
        else:
            log.warning("could not answer interaction %s: %s", interaction.id, exc)
        return False
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        # The answer may or may not have reached Discord; asking again could answer twice.
        log.warning("could not answer interaction %s: %r", interaction.id, exc)
        return False
    return True


def _message(text: str | None, embeds: Sequence[discord.Embed]) -> dict[str, Any]:
    # Only what there is: discord.py sends an empty list or string as a field to clear.
    fields: dict[str, Any] = {}
    if text is not None:
        fields["content"] = text
    if embeds:
        fields["embeds"] = list(embeds)
    return fields


def original(error: BaseException) -> BaseException:
    """What really went wrong: the exception a command, or an option's transformer, raised."""
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return error.__cause__
    return getattr(error, "original", None) or error


def is_expired(error: BaseException) -> bool:
    """Whether ``error`` says the interaction can no longer be answered (10062, 40060)."""
    cause = original(error)
    return isinstance(cause, discord.HTTPException) and cause.code in (
        UNKNOWN_INTERACTION, ALREADY_ACKNOWLEDGED)


def explain(error: BaseException) -> str | None:
    """What to tell a member about ``error``; ``None`` for a bug (log it, say sorry)."""
    cause = original(error)
    if isinstance(cause, UserFacingError):
        return cause.user_message
    # Checks that say why they refused (cogs.utils.checks.NotModerator) are shown as they are.
    user_message = getattr(error, "user_message", None)
    if isinstance(error, app_commands.CheckFailure) and isinstance(user_message, str):
        return user_message
    if isinstance(error, app_commands.MissingPermissions):
        return (f"You need the {permission_names(error.missing_permissions)} permission to use "
                "this command.")
    if isinstance(error, app_commands.BotMissingPermissions):
        return (f"I need the {permission_names(error.missing_permissions)} permission here to "
                "do that. Ask a moderator to grant it.")
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server only."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(cause, discord.Forbidden):
        return ("Discord refused me: I'm missing a permission in this channel. Ask a moderator "
                "to check my permissions here.")
    if isinstance(cause, PortError):
        return f"Discord refused that: {cause}. Please try again later."
    return None


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the member with something useful, and log whatever is not their doing.

    An interaction that expired (or was answered already) is not answered again: that can
    only fail the same way. What the member did was still carried out if it got that far.
    """
    cause = original(error)
    if is_expired(error):
        log.info("interaction %s expired before it was answered (%s)", interaction.id, cause)
        return
    if isinstance(cause, (aiohttp.ClientError, OSError, TimeoutError)):
        # Discord could not be reached to answer: there is no one to tell, and a second
        # answer could arrive after the first.
        log.warning("could not answer interaction %s: %r", interaction.id, cause)
        return
    message = explain(error)
    if message is None:
        log.error("interaction %s failed", interaction.id,
                  exc_info=(type(cause), cause, cause.__traceback__))
        message = FALLBACK
    await reply(interaction, message)


class CounterpointTree(app_commands.CommandTree):
    """The bot's command tree: every app command's error ends in :func:`answer_error`."""

    async def on_error(self, interaction: discord.Interaction,
                       error: app_commands.AppCommandError, /) -> None:
        await answer_error(interaction, error)
