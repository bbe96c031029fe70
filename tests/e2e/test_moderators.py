"""Every moderator command checks its caller when it runs, not only through Discord's
default permissions: a server can widen those in its settings (the emulator, like such a
server, lets any member run any command), and the bot's rule is that only members with
Manage Server or the moderator role act as moderators.

The commands come from what the bot synced to Discord (slash commands and message context
menus alike), so a moderator command added later is covered without touching this file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import Message, Thread
from bot.store import Store
from tests.e2e.harness import World, reply_text
from tests.feedsite import SAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANAGE_GUILD = str(1 << 5)
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
MESSAGE_MENU = 3


@dataclass(frozen=True)
class Leaf:
    """A command a member can run: its full name, its type (1 slash, 3 message menu) and its
    options' specs."""

    name: str
    options: list[dict[str, Any]]
    type: int = 1


def leaves(command: dict[str, Any]) -> Iterator[Leaf]:
    subs = [o for o in command.get("options") or []
            if o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)]
    if not subs:
        yield Leaf(command["name"], list(command.get("options") or []),
                   int(command.get("type", 1)))
    for sub in subs:
        for leaf in leaves(sub):
            yield Leaf(f"{command['name']} {leaf.name}", leaf.options)


def synced(world: World) -> list[dict[str, Any]]:
    """Every command the bot registered with Discord (the emulator), guild and global."""
    state = world.emu.state
    return [*state.acting.guild_commands.get(world.guild.id, []), *state.acting.global_commands]


def moderator_commands(world: World) -> list[Leaf]:
    return [leaf for command in synced(world)
            if command.get("default_member_permissions") is not None
            for leaf in leaves(command)]


@dataclass(frozen=True)
class Debate:
    """A posted piece's first thread and a member's counterargument in it."""

    thread: Thread
    counter: Message


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def debate(world: World, store: Store) -> Debate:
    url = world.server.add("moderated.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    await world.post(url, world.general)
    piece = await store.get_piece_by_url(world.guild.id, world.general.id, url)
    assert piece is not None
    argument = (await store.list_arguments(piece.id))[0]
    thread = next(t for t in world.emu.threads(world.general) if t.id == argument.thread_id)
    record = await world.emu.run_slash_command(world.bob, thread, "counter", {"text": (
        "Protected lanes move trade from one street to the next rather than creating it.")})
    await record.wait_for(lambda r: "posted" in reply_text(r))
    (contribution,) = await store.list_contributions(argument.id)
    assert contribution.message_id is not None
    return Debate(thread, world.emu.message(contribution.message_id))


def arguments(world: World, leaf: Leaf, url: str, debate: Debate) -> dict[str, Any]:
    """Values for every option that would do something if the caller were let through:
    a real piece to post, a real feed to follow, the general channel, a real role, a real
    contribution's message."""
    values: dict[str, Any] = {}
    for option in leaf.options:
        kind = option["type"]
        if kind == STRING:
            values[option["name"]] = {"url": url, "message": str(debate.counter.id)}.get(
                option["name"], "1")
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
        [(a.id, a.lock) for piece in await store.list_pieces(guild_id=guild)
         for a in await store.list_arguments(piece.id)],
        [(c.id, c.removal, c.body) for piece in await store.list_pieces(guild_id=guild)
         for a in await store.list_arguments(piece.id)
         for c in await store.list_contributions(a.id)],
        [m.content for m in world.emu.messages(world.general)],
    )


async def test_every_moderator_command_refuses_a_member_and_changes_nothing(
    world: World, store: Store, debate: Debate,
) -> None:
    commands = moderator_commands(world)
    names = [leaf.name for leaf in commands]
    assert {"piece post", "feed add", "feed list", "feed edit", "config summary",
            "config show", "config moderator-role", "config moderators-channel",
            "config modlog-channel", "mod remove", "mod restore", "mod lock", "mod unlock",
            "modlog", "Remove contribution", "Restore contribution"} <= set(names)
    url = world.server.add("moderators.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    before = await snapshot(world, store)
    for leaf in commands:
        if leaf.type == MESSAGE_MENU:
            record = await world.emu.run_message_command(world.alice, debate.counter,
                                                         leaf.name)
        else:
            # In the argument's thread, where /mod lock and the like would act.
            record = await world.emu.run_slash_command(
                world.alice, debate.thread, leaf.name, arguments(world, leaf, url, debate))
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
    uploaded = {c["name"]: c for c in synced(world)}
    for name in ("piece", "feed", "config", "mod", "modlog", "review", "Remove contribution",
                 "Restore contribution"):
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


async def test_the_moderator_role_may_moderate_debates(
    world: World, store: Store, debate: Debate,
) -> None:
    mods = world.guild.add_role("Debate stewards")
    erin = world.guild.add_member("erin", roles=[mods])
    refused = await world.emu.run_message_command(erin, debate.counter, "Remove contribution")
    await refused.wait_response()
    assert str((refused.callback_data or {}).get("content")).startswith(
        "Only moderators can moderate debates")
    await store.update_guild_settings(world.guild.id, moderator_role_id=mods.id)
    try:
        menu = await world.emu.run_message_command(erin, debate.counter, "Remove contribution")
        await menu.wait_response()
        assert menu.callback_type == 9  # the reason form: she is a moderator now
        log = await world.emu.run_slash_command(erin, world.general, "modlog", {})
        await log.wait_response()
        assert log.message is not None and log.message.embeds[0]["title"] == "Moderation log"
    finally:
        await store.update_guild_settings(world.guild.id, moderator_role_id=None)
