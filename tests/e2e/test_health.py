"""/healthz and /metrics (COUNTERPOINT_METRICS_ADDRESS), scraped while the bot works."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.store import open_store
from tests.e2e.harness import World, reply_text, settings_for, start_bot
from tests.feedsite import SAMPLES, Item

pytestmark = pytest.mark.asyncio(loop_scope="module")

MESSAGES = "/channels/{channel_id}/messages"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    database = tmp_path_factory.mktemp("health") / "counterpoint.db"
    world = await World.create(f"sqlite:///{database}")
    await world.stop()
    # The same bot with its health and metrics pages on a free port of 127.0.0.1.
    settings = dataclasses.replace(settings_for(world.database_url),
                                   metrics_address="127.0.0.1:0")
    world.running = await start_bot(world.emu, settings)
    try:
        yield world
    finally:
        await world.close()


async def get(world: World, path: str) -> tuple[int, str]:
    health = world.bot.health
    assert health is not None and health.host == "127.0.0.1"
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://{health.host}:{health.port}{path}") as response:
        return response.status, await response.text()


async def metric(world: World, name: str, **labels: str) -> float:
    """One sample's value from /metrics (0 when the series has no sample yet)."""
    status, text = await get(world, "/metrics")
    assert status == 200
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "")
    found = re.search(rf"^{pattern} (\S+)$", text, re.MULTILINE)
    return float(found[1]) if found else 0.0


async def healthz(world: World) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        health = world.bot.health
        assert health is not None
        async with http.get(f"http://127.0.0.1:{health.port}/healthz") as response:
            return response.status, await response.json()


async def test_healthy_bot_reports_its_shards_database_and_loops(world: World) -> None:
    status, report = await healthz(world)
    assert status == 200 and report["ok"] is True
    assert report["shards"] == {"0": True}
    assert report["database"] == {"ok": True}
    loops = report["loops"]
    assert {"Feeds.poll_loop", "Pieces.retry_loop", "Summaries.schedule_loop"} <= set(loops)
    assert all(loop["ok"] and loop["running"] for loop in loops.values())


async def test_a_stopped_loop_makes_the_bot_unhealthy(world: World) -> None:
    cog: Any = world.bot.get_cog("Feeds")
    task = cog.poll_loop.get_task()
    cog.poll_loop.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    try:
        status, report = await healthz(world)
        assert status == 503 and report["ok"] is False
        assert report["loops"]["Feeds.poll_loop"]["running"] is False
        assert report["loops"]["Feeds.poll_loop"]["ok"] is False
    finally:
        cog.poll_loop.start()


async def test_metrics_count_what_the_bot_did(world: World) -> None:
    posted_before = await metric(world, "counterpoint_pieces_total", outcome="published")
    url = world.server.add("bikes.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    record = await world.post(url, world.general)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    assert await metric(world, "counterpoint_pieces_total",
                        outcome="published") == posted_before + 1
    # The command, answered: counted, and timed from the member's action.
    assert await metric(world, "counterpoint_interactions_total", kind="/piece post") >= 1
    assert await metric(world, "counterpoint_interaction_response_seconds_count",
                        kind="/piece post") >= 1

    store = await open_store(world.database_url)
    try:
        piece = await store.get_piece_by_url(world.guild.id, world.general.id, url)
        assert piece is not None
        [first, *_] = await store.list_arguments(piece.id)
    finally:
        await store.close()
    [thread] = [t for t in world.emu.threads(world.general) if t.id == first.thread_id]
    opening = world.openings(thread)[-1]
    agree = next(cid for cid in opening.custom_ids() if cid.startswith("cp:v:a:"))
    votes_before = await metric(world, "counterpoint_votes_total", action="added")
    click = await world.emu.click_button(world.alice, opening, agree)
    await click.wait_response()
    assert await metric(world, "counterpoint_votes_total", action="added") == votes_before + 1
    assert await metric(world, "counterpoint_interactions_total", kind="button cp:v") >= 1

    # Discord's refusals are counted as they come back on the bot's own HTTP session.
    limited = await metric(world, "counterpoint_discord_errors_total", status="429")
    failed = await metric(world, "counterpoint_discord_errors_total", status="5xx")
    world.emu.force_429(1, 0.05, route=MESSAGES, method="POST")
    world.emu.inject_5xx(1, 503, route=MESSAGES, method="POST")
    again = await world.post(world.server.add("bikes-2.txt", (
        SAMPLES / "city_bike_lanes.txt").read_text()), world.general)
    assert reply_text(again).startswith("Posted in"), reply_text(again)
    assert await metric(world, "counterpoint_discord_errors_total", status="429") == limited + 1
    assert await metric(world, "counterpoint_discord_errors_total", status="5xx") == failed + 1


async def test_a_poll_cycle_is_timed_and_its_fetches_counted(world: World) -> None:
    feed = world.server.feed("/health.xml", [Item("urn:h:1", "A quiet feed", None, None)])
    store = await open_store(world.database_url)
    try:
        await store.add_subscription(world.guild.id, world.general.id, feed,
                                     created_by=world.admin.id)
    finally:
        await store.close()
    cycles = await metric(world, "counterpoint_poll_cycle_seconds_count")
    fetched = await metric(world, "counterpoint_feed_fetches_total", outcome="ok")
    cog: Any = world.bot.get_cog("Feeds")
    done = world.bot.wait_for("feed_cycle", timeout=60)
    cog.poll_loop.restart()
    await done
    assert await metric(world, "counterpoint_poll_cycle_seconds_count") == cycles + 1
    assert await metric(world, "counterpoint_feed_fetches_total", outcome="ok") == fetched + 1
