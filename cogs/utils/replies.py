"""Helpers every cog shares: ephemeral replies and what to tell a member when something fails."""

from __future__ import annotations

import logging

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


async def reply(interaction: discord.Interaction, content: str) -> None:
    """An ephemeral answer, whether or not the interaction was already answered or deferred.

    A failure to answer (token expired, Discord down) is logged, never raised: there is no one
    left to tell. Credentials in any URL it quotes are masked.
    """
    content = redact_text(content)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(content, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        if is_expired(exc):
            log.info("interaction %s expired before it was answered", interaction.id)
        else:
            log.warning("could not answer interaction %s: %s", interaction.id, exc)
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        # The answer may or may not have reached Discord; asking again could answer twice.
        log.warning("could not answer interaction %s: %r", interaction.id, exc)


def is_expired(error: BaseException) -> bool:
    """Whether ``error`` says the interaction can no longer be answered (10062, 40060)."""
    original = getattr(error, "original", None) or error
    return isinstance(original, discord.HTTPException) and original.code in (
        UNKNOWN_INTERACTION, ALREADY_ACKNOWLEDGED)


def explain(error: BaseException) -> str | None:
    """What to tell a member about ``error``; ``None`` for a bug (log it, say sorry)."""
    original = getattr(error, "original", None) or error
    if isinstance(original, UserFacingError):
        return original.user_message
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
    if isinstance(original, discord.Forbidden):
        return ("Discord refused me: I'm missing a permission in this channel. Ask a moderator "
                "to check my permissions here.")
    if isinstance(original, PortError):
        return f"Discord refused that: {original}. Please try again later."
    return None


async def answer_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the member with something useful, and log whatever is not their doing.

    An interaction that expired (or was answered already) is not answered again: that can
    only fail the same way. What the member did was still carried out if it got that far.
    """
    if is_expired(error):
        log.info("interaction %s expired before it was answered (%s)", interaction.id,
                 getattr(error, "original", None) or error)
        return
    original = getattr(error, "original", None) or error
    if isinstance(original, (aiohttp.ClientError, OSError, TimeoutError)):
        # Discord could not be reached to answer: there is no one to tell, and a second
        # answer could arrive after the first.
        log.warning("could not answer interaction %s: %r", interaction.id, original)
        return
    message = explain(error)
    if message is None:
        original = getattr(error, "original", None) or error
        log.error("interaction %s failed", interaction.id,
                  exc_info=(type(original), original, original.__traceback__))
        message = FALLBACK
    await reply(interaction, message)
