"""Every moderator command checks its caller when it runs, not only through Discord's
default permissions: a server can widen those in its settings (the emulator, like such a
server, lets any member run any command), and the bot's rule is that only members with
Manage Server or the moderator role act as moderators.

The commands come from the tree the bot uploads, so a moderator command added later is
covered without touching this file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.store import Store
from tests.e2e.harness import World
from tests.feedsite import SAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANAGE_GUILD = str(1 << 5)
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


@dataclass(frozen=True)
class Leaf:
    """A command a member can run: its full name and its options' specs."""

    name: str
    options: list[dict[str, Any]]


def leaves(command: dict[str, Any]) -> Iterator[Leaf]:
    subs = [o for o in command.get("options") or []
            if o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)]
    if not subs:
        yield Leaf(command["name"], list(command.get("options") or []))
    for sub in subs:
        for leaf in leaves(sub):
            yield Leaf(f"{command['name']} {leaf.name}", leaf.options)


def moderator_commands(world: World) -> list[Leaf]:
    tree = world.bot.tree
    uploaded = [c.to_dict(tree) for c in tree.get_commands()]
    return [leaf for command in uploaded if command.get("default_member_permissions") is not None
            for leaf in leaves(command)]


def arguments(world: World, leaf: Leaf, url: str) -> dict[str, Any]:
    """Values for every option that would do something if the caller were let through:
    a real piece to post, a real feed to follow, the general channel, a real role."""
    values: dict[str, Any] = {}
    for option in leaf.options:
        kind = option["type"]
        if kind == STRING:
            values[option["name"]] = url if option["name"] == "url" else "1"
        elif kind in (INTEGER, NUMBER):
            values[option["name"]] = option.get("min_value", 1)
        elif kind == BOOLEAN:
            values[option["name"]] = True
        elif kind == CHANNEL:
            values[option["name"]] = world.general
        elif kind == ROLE:
            values[option["name"]] = world.guild.add_role("listeners")
        elif kind in (USER, MENTIONABLE):
            values[option["name"]] = world.bob
    return values


async def snapshot(world: World, store: Store) -> tuple[object, ...]:
    guild = world.guild.id
    channels = [c for c in world.guild.channels.values()]
    return (
        {c.id: [m.id for m in world.emu.messages(c, system=True)] for c in channels},
        {c.id: [t.id for t in world.emu.threads(c)] for c in channels},
        await store.get_guild_settings(guild),
        [entry.id for entry in await store.list_moderation(guild)],
        await store.list_subscriptions(guild_id=guild),
        [piece.id for piece in await store.list_pieces(guild_id=guild)],
    )


async def test_every_moderator_command_refuses_a_member_and_changes_nothing(
    world: World, store: Store,
) -> None:
    commands = moderator_commands(world)
    names = [leaf.name for leaf in commands]
    assert {"piece post", "feed add", "feed list", "config summary", "config show",
            "config moderator-role"} <= set(names)
    url = world.server.add("moderators.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    before = await snapshot(world, store)
    for leaf in commands:
        record = await world.emu.run_slash_command(world.alice, world.general, leaf.name,
                                                   arguments(world, leaf, url))
        await record.wait_response()
        data = record.callback_data or {}
        # One private answer naming what is needed, pinging no one: nothing deferred or posted.
        assert record.callback_type == 4, (leaf.name, record.callback_type)
        assert int(data.get("flags") or 0) & 64, leaf.name
        assert data.get("allowed_mentions") == {"parse": []}, leaf.name
        assert str(data.get("content")).startswith("Only moderators can "), (leaf.name, data)
        assert "you need Manage Server" in str(data.get("content")), leaf.name
    assert await snapshot(world, store) == before


async def test_every_moderator_command_is_hidden_from_members_by_default(world: World) -> None:
    tree = world.bot.tree
    uploaded = {c.name: c.to_dict(tree) for c in tree.get_commands()}
    for name in ("piece", "feed", "config"):
        assert str(uploaded[name]["default_member_permissions"]) == MANAGE_GUILD, name
    for name in ("summary", "counter"):  # for everyone
        assert uploaded[name].get("default_member_permissions") is None, name


async def test_the_moderator_role_may_post_a_piece(world: World, store: Store) -> None:
    mods = world.guild.add_role("Piece posters")
    dana = world.guild.add_member("dana", roles=[mods])
    channel = world.guild.add_text_channel("moderated")
    url = world.server.add("by-the-moderator-role.txt",
                           (SAMPLES / "remote_exams.txt").read_text())
    refused = await world.emu.run_slash_command(dana, world.general, "piece post",
                                                {"url": url, "channel": channel})
    await refused.wait_response()
    assert (refused.callback_data or {}).get("content", "").startswith(
        "Only moderators can post pieces: you need Manage Server (or the server's moderator "
        "role, once one is configured).")
    assert world.card(channel) == []
    await store.update_guild_settings(world.guild.id, moderator_role_id=mods.id)
    try:
        posted = await world.post(url, channel, member=dana)
        assert posted.original is not None
        assert (posted.original.content or "").startswith("Posted in"), posted.original.content
        assert len(world.card(channel)) == 1
    finally:
        await store.update_guild_settings(world.guild.id, moderator_role_id=None)
