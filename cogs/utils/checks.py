"""Who counts as a moderator, for every moderator-only app command (/feed, /config, /piece).

A moderator is a member with **Manage Server** (Administrator implies it) or with the guild's
configured moderator role (``GuildSettings.moderator_role_id`` in the store). Two layers:

* ``default_permissions=MODERATOR_DEFAULTS`` on the command or group (what
  :func:`moderator_group` gives a group): Discord hides the
  command from members without Manage Server, unless the server overrides that under
  Server Settings → Integrations (which is how a server lets its moderator role see it).
* This module's check, run on every invocation: it lets in Manage Server or the configured
  role and refuses everyone else with an ephemeral, explicit message, so a server's override
  can never open a moderator command to ordinary members.

Use it in one of two ways::

    from cogs.utils.checks import ensure_moderator, moderator_group, moderator_only

    class Config(commands.Cog):
        config = moderator_group("config", "...")

        # Every command of the cog (what cogs/feeds.py does):
        async def interaction_check(self, interaction: discord.Interaction) -> bool:
            return await ensure_moderator(interaction, "change the settings")

        # Or one command at a time:
        @config.command(name="show")
        @moderator_only("see the settings")
        async def show(self, interaction: discord.Interaction) -> None: ...

The refusal is a :class:`NotModerator` (an ``app_commands.CheckFailure`` carrying
``user_message``); the tree's error handler (``cogs.utils.replies.answer_error``) shows that message
ephemerally with no mentions. Autocomplete callbacks do not run checks in discord.py: call
:func:`is_moderator` there and return no choices to others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.client import CounterpointBot

T = TypeVar("T")

#: ``default_permissions`` for moderator commands: hidden from members without Manage Server.
MODERATOR_DEFAULTS = discord.Permissions(manage_guild=True)


def moderator_group(name: str, description: str) -> app_commands.Group:
    """A slash command group for moderators: in servers only, hidden from members without
    Manage Server (``MODERATOR_DEFAULTS``). Its commands still need the check below."""
    return app_commands.Group(name=name, description=description, guild_only=True,
                              default_permissions=MODERATOR_DEFAULTS)


class NotModerator(app_commands.CheckFailure):
    """The member is not a moderator; ``user_message`` says what they would need."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def _has_manage_server(interaction: discord.Interaction) -> bool:
    # The permissions Discord resolved for this member in this channel, sent with the
    # interaction: authoritative, and no member cache needed (the bot has no Members intent).
    granted = interaction.permissions
    return bool(granted.administrator or granted.manage_guild)


async def moderator_role_id(interaction: discord.Interaction) -> int | None:
    """The guild's configured moderator role, if any."""
    if interaction.guild_id is None:
        return None
    bot = interaction.client
    if not isinstance(bot, CounterpointBot):
        return None  # a client without Counterpoint's store has no configured role
    settings = await bot.store.get_guild_settings(interaction.guild_id)
    return settings.moderator_role_id


def _has_role(interaction: discord.Interaction, role_id: int) -> bool:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    # Role ids come with the interaction's member payload; the Role objects from the cache.
    return any(role.id == role_id for role in member.roles)


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server, or the configured moderator role. Never true outside a guild."""
    if interaction.guild_id is None:
        return False
    if _has_manage_server(interaction):
        return True
    role_id = await moderator_role_id(interaction)
    return role_id is not None and _has_role(interaction, role_id)


def refusal(action: str, role_id: int | None) -> str:
    """The message for a member who may not ``action`` (e.g. "manage feeds")."""
    if role_id is not None:
        return (f"Only moderators can {action}: you need Manage Server or the <@&{role_id}> "
                "role.")
    return (f"Only moderators can {action}: you need Manage Server (or the server's moderator "
            "role, once one is configured).")


async def ensure_moderator(interaction: discord.Interaction, action: str) -> bool:
    """``True`` for a moderator; otherwise raises :class:`NotModerator` (shown ephemerally)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if _has_manage_server(interaction):
        return True
    role_id = await moderator_role_id(interaction)
    if role_id is not None and _has_role(interaction, role_id):
        return True
    raise NotModerator(refusal(action, role_id))


def moderator_only(action: str) -> Callable[[T], T]:
    """An ``app_commands.check`` decorator: only moderators may ``action``."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        return await ensure_moderator(interaction, action)

    return app_commands.check(predicate)
