"""What an interaction says about the member acting, for the gates against brigading."""

from __future__ import annotations

import discord

from bot.store import MemberFacts


def member_facts(interaction: discord.Interaction) -> MemberFacts:
    """The member's id (their account's age is in it), when they joined the server and their
    roles: all in every interaction's payload, no privileged intent needed. Outside a guild,
    or for a user Discord did not send as a member, only the id is known."""
    user = interaction.user
    if not isinstance(user, discord.Member):
        return MemberFacts(user.id)
    return MemberFacts(user.id, user.joined_at, frozenset(role.id for role in user.roles))
