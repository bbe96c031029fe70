"""Permissions as members read them: the one formatter of permission names."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.publishing.port import PERMISSION_LABELS

#: What the bot needs in the summary channel: a refusal is found before any request, so a
#: broken channel costs no 403 per tick (Discord bans IPs that collect too many).
SUMMARY_PERMISSIONS = ("send_messages", "embed_links", "attach_files")
#: What the bot needs where pieces wait for review: the preview is embeds with buttons, and
#: a reminder replies to it.
REVIEW_PERMISSIONS = ("view_channel", "send_messages", "embed_links", "read_message_history")


def permission_names(names: Iterable[str]) -> str:
    """``["send_messages", "attach_files"]`` as "Send Messages, Attach Files" (Discord's own
    wording where the publisher knows it)."""
    return ", ".join(PERMISSION_LABELS.get(name, name.replace("_", " ").title())
                     for name in names)


def missing_permissions(channel: discord.abc.GuildChannel, needed: Iterable[str]) -> list[str]:
    """Which of ``needed`` the bot lacks in ``channel``, by the guild cache."""
    granted = channel.permissions_for(channel.guild.me)
    return [name for name in needed if not getattr(granted, name)]


def cannot_post_warning(channel: discord.abc.GuildChannel, needed: Iterable[str],
                        meanwhile: str) -> str | None:
    """What a moderator who just pointed the bot at ``channel`` must fix first, or ``None``.

    Said when the setting is saved rather than refused: the moderator may be granting the
    permission next, and ``meanwhile`` tells them what waits until they do.
    """
    missing = missing_permissions(channel, needed)
    if not missing:
        return None
    return (f"⚠️ I can't post in <#{channel.id}> yet: I need {permission_names(missing)}. "
            f"{meanwhile}")
