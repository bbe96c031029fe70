"""/config end to end on the emulator: each change stored, logged and shown by /config show;
the moderator check (Manage Server or the configured role) refuses everyone else."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.emulator import Channel, InteractionRecord, Member
from bot.store import Store
from bot.summaries import next_slot
from tests.e2e.harness import World

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANAGE_GUILD = 1 << 5


async def run(world: World, member: Member, name: str,
              options: dict[str, Any] | None = None,
              channel: Channel | None = None) -> InteractionRecord:
    record = await world.emu.run_slash_command(member, channel or world.general, name,
                                               options or {})
    await record.wait_response()
    return record


def text(record: InteractionRecord) -> str:
    """An ephemeral one-message answer's content."""
    data = record.callback_data or {}
    assert record.callback_type == 4 and int(data.get("flags") or 0) & 64, data
    assert data.get("allowed_mentions") == {"parse": []}
    return str(data.get("content") or "")


def shown(record: InteractionRecord) -> dict[str, str]:
    """/config show's embed as {field name: value}."""
    text(record)
    [embed] = (record.callback_data or {})["embeds"]
    return {f["name"]: f["value"] for f in embed["fields"]}


async def show(world: World, member: Member | None = None) -> dict[str, str]:
    return shown(await run(world, member or world.admin, "config show"))


async def last_log(store: Store, world: World) -> tuple[str, str | None, str | None, int]:
    entry = (await store.list_moderation(world.guild.id, limit=1))[0]
    return entry.action, entry.target, entry.details, entry.actor_id


async def test_config_is_hidden_from_non_moderators_by_default(world: World) -> None:
    [command] = [c for c in world.emu.state.acting.global_commands if c["name"] == "config"]
    assert int(command["default_member_permissions"]) == MANAGE_GUILD
    assert command.get("dm_permission") is False or command.get("contexts") == [0]
    names = {o["name"] for o in command["options"]}
    assert names == {"summary", "summary-off", "moderator-role", "min-counter-length", "show",
                     "review", "moderators-channel", "modlog-channel", "gates", "award-reason"}


async def test_show_lists_the_defaults(world: World) -> None:
    fields = await show(world)
    assert fields["Weekly summary"].startswith("Not set up")
    assert fields["Time zone"] == "UTC"
    assert fields["Moderator role"] == "None (Manage Server only)"
    assert fields["Minimum counter length"] == "40 characters (bot default)"


async def test_config_summary_is_stored_logged_and_shown(world: World, store: Store) -> None:
    reply = text(await run(world, world.admin, "config summary", {
        "channel": world.general, "weekday": 2, "hour": 9, "timezone": "europe/london"}))
    settings = await store.get_guild_settings(world.guild.id)
    assert (settings.summary_channel_id, settings.summary_weekday, settings.summary_hour,
            settings.timezone, settings.summary_enabled) == (
        world.general.id, 2, 9, "Europe/London", True)
    assert reply.startswith(f"Weekly summaries go to <#{world.general.id}> every Wednesday "
                            "at 09:00 (Europe/London).")
    slot = int(next_slot(settings, datetime.now(UTC)).timestamp())
    assert f"Next one: <t:{slot}:F> (<t:{slot}:R>)." in reply
    assert await last_log(store, world) == (
        "config.summary", f"channel:{world.general.id}",
        "weekday=Wednesday hour=9 timezone=Europe/London", world.admin.user.id)

    fields = await show(world)
    assert fields["Weekly summary"].startswith(
        f"<#{world.general.id}> every Wednesday at 09:00 (Europe/London)\nNext: <t:{slot}:F>")
    assert fields["Time zone"] == "Europe/London"

    # Only the channel: the rest of the schedule stays as it was.
    text(await run(world, world.admin, "config summary", {"channel": world.moderators}))
    kept = await store.get_guild_settings(world.guild.id)
    assert (kept.summary_channel_id, kept.summary_weekday, kept.summary_hour,
            kept.timezone) == (world.moderators.id, 2, 9, "Europe/London")


async def test_an_unknown_time_zone_is_refused_and_nothing_changes(world: World,
                                                                   store: Store) -> None:
    before = await store.get_guild_settings(world.guild.id)
    reply = text(await run(world, world.admin, "config summary",
                           {"channel": world.general, "timezone": "Mars/Olympus"}))
    assert reply.startswith("I don't know the time zone 'Mars/Olympus'")
    after = await store.get_guild_settings(world.guild.id)
    assert after == before


async def test_time_zone_autocomplete_filters_what_is_typed(world: World) -> None:
    record = await world.emu.run_autocomplete(world.admin, world.general, "config summary",
                                              {"timezone": "new y"}, "timezone")
    await record.wait_response()
    assert record.choices is not None
    assert record.choices[0] == {"name": "America/New_York", "value": "America/New_York"}
    empty = await world.emu.run_autocomplete(world.admin, world.general, "config summary",
                                             {"timezone": ""}, "timezone")
    await empty.wait_response()
    values = [c["value"] for c in empty.choices or []]
    assert values[0] == "Europe/London" and "UTC" in values and len(values) <= 25


async def test_summary_off_is_stored_and_shown(world: World, store: Store) -> None:
    reply = text(await run(world, world.admin, "config summary-off"))
    assert reply.startswith("Weekly summaries are off.")
    assert not (await store.get_guild_settings(world.guild.id)).summary_enabled
    assert (await last_log(store, world))[0] == "config.summary-off"
    assert (await show(world))["Weekly summary"].startswith("Off (was ")
    text(await run(world, world.admin, "config summary", {"channel": world.general}))
    assert (await store.get_guild_settings(world.guild.id)).summary_enabled


async def test_min_counter_length_is_stored_applied_and_reset(world: World,
                                                              store: Store) -> None:
    reply = text(await run(world, world.admin, "config min-counter-length", {"n": 25}))
    assert reply == "Counterarguments and rebuttals now need at least 25 characters."
    assert (await store.get_guild_settings(world.guild.id)).min_counter_length == 25
    assert (await world.bot.debate.rules_for(world.guild.id)).min_length == 25
    assert await last_log(store, world) == ("config.min-counter-length", None, "25",
                                            world.admin.user.id)
    assert (await show(world))["Minimum counter length"] == "25 characters"

    reply = text(await run(world, world.admin, "config min-counter-length"))
    assert reply == ("Counterarguments and rebuttals now need at least 40 characters (the "
                     "bot's default).")
    assert (await store.get_guild_settings(world.guild.id)).min_counter_length is None


async def test_non_moderators_are_refused_everything(world: World, store: Store) -> None:
    before = await store.get_guild_settings(world.guild.id)
    logged = len(await store.list_moderation(world.guild.id))
    for name, options in [("config show", {}), ("config summary-off", {}),
                          ("config summary", {"channel": world.general}),
                          ("config min-counter-length", {"n": 10}),
                          ("config moderator-role", {"role": world.guild.everyone})]:
        reply = text(await run(world, world.alice, name, options))
        assert reply.startswith("Only moderators can change this server's settings"), name
    assert await store.get_guild_settings(world.guild.id) == before
    assert len(await store.list_moderation(world.guild.id)) == logged


async def test_the_moderator_role_grants_config_but_not_the_role_itself(
    world: World, store: Store,
) -> None:
    mods = world.guild.add_role("Mods")
    dana = world.guild.add_member("dana", roles=[mods])
    refused = text(await run(world, dana, "config show"))
    assert refused.startswith("Only moderators can")

    reply = text(await run(world, world.admin, "config moderator-role", {"role": mods}))
    assert reply.startswith(f"Members with <@&{mods.id}> can now use moderator commands")
    assert (await store.get_guild_settings(world.guild.id)).moderator_role_id == mods.id
    assert await last_log(store, world) == ("config.moderator-role", f"role:{mods.id}", None,
                                            world.admin.user.id)
    assert (await show(world))["Moderator role"] == f"<@&{mods.id}>"

    # Dana is a moderator now: settings yes, who the moderators are no.
    assert (await show(world, dana))["Moderator role"] == f"<@&{mods.id}>"
    text(await run(world, dana, "config min-counter-length", {"n": 60}))
    assert (await store.get_guild_settings(world.guild.id)).min_counter_length == 60
    assert (await last_log(store, world))[3] == dana.user.id
    assert text(await run(world, dana, "config moderator-role")).startswith(
        "Only members with Manage Server can choose the moderator role.")
    assert text(await run(world, world.alice, "config show")).startswith(
        f"Only moderators can change this server's settings: you need Manage Server or the "
        f"<@&{mods.id}> role.")

    assert text(await run(world, world.admin, "config moderator-role",
                          {"role": world.guild.everyone})).startswith("@everyone can't be")
    assert (await store.get_guild_settings(world.guild.id)).moderator_role_id == mods.id

    cleared = text(await run(world, world.admin, "config moderator-role"))
    assert cleared.startswith("Moderator role cleared")
    assert (await store.get_guild_settings(world.guild.id)).moderator_role_id is None
    assert (await last_log(store, world))[:3] == ("config.moderator-role", None, "cleared")
    assert text(await run(world, dana, "config show")).startswith("Only moderators can")
