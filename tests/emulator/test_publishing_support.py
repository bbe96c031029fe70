"""Emulator behaviour the publisher relies on: enforce_nonce and forum tag edits, over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import Channel, Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = await Emulator(token="nonce", rate_limits=False).start()
    yield emulator
    await emulator.stop()


async def call(emu: Emulator, method: str, path: str, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {emu.token}"}
    async with aiohttp.ClientSession() as session, session.request(
            method, f"{emu.rest_url}{path}", json=body, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_enforce_nonce_returns_the_earlier_message(emu: Emulator) -> None:
    channel = emu.add_guild("g").add_text_channel("c")
    path = f"/channels/{channel.id}/messages"
    _, first = await call(emu, "POST", path, {"content": "a", "nonce": "n1",
                                              "enforce_nonce": True})
    status, again = await call(emu, "POST", path, {"content": "a", "nonce": "n1",
                                                   "enforce_nonce": True})
    assert status == 200 and again["id"] == first["id"]
    # Without enforce_nonce, or with another nonce, messages are created as usual.
    _, plain = await call(emu, "POST", path, {"content": "a", "nonce": "n1"})
    _, other = await call(emu, "POST", path, {"content": "a", "nonce": "n2",
                                              "enforce_nonce": True})
    assert len({first["id"], plain["id"], other["id"]}) == 3
    assert len(emu.messages(channel)) == 3


def forum_with_manage(emu: Emulator) -> Channel:
    guild = emu.add_guild("g")
    forum = guild.add_forum_channel("f", tags=["kept"])
    emu.allow(forum, "MANAGE_CHANNELS", target=emu.bot_user.id)
    return forum


async def test_forum_tags_are_added_keeping_known_ids(emu: Emulator) -> None:
    forum = forum_with_manage(emu)
    kept = forum.tag("kept")
    status, body = await call(emu, "PATCH", f"/channels/{forum.id}", {"available_tags": [
        {"id": str(kept.id), "name": "kept", "moderated": False},
        {"name": "Bike lanes", "moderated": False, "emoji_id": None, "emoji_name": None}]})
    assert status == 200
    assert [t["name"] for t in body["available_tags"]] == ["kept", "Bike lanes"]
    assert forum.tag("kept").id == kept.id and forum.tag("Bike lanes").id != kept.id


async def test_forum_tag_limits_and_permission(emu: Emulator) -> None:
    forum = forum_with_manage(emu)
    status, body = await call(emu, "PATCH", f"/channels/{forum.id}", {
        "available_tags": [{"name": f"t{i}"} for i in range(21)]})
    assert status == 400 and "available_tags" in body["errors"]
    status, body = await call(emu, "PATCH", f"/channels/{forum.id}", {
        "available_tags": [{"name": "x" * 21}]})
    assert status == 400
    emu.deny_bot(forum, "MANAGE_CHANNELS")
    status, body = await call(emu, "PATCH", f"/channels/{forum.id}", {
        "available_tags": [{"name": "new"}]})
    assert status == 403 and body["code"] == 50013
    assert [t.name for t in forum.available_tags] == ["kept"]


async def test_a_hold_stops_one_call_on_its_way_in_or_with_its_answer(emu: Emulator) -> None:
    channel = emu.add_guild("g").add_text_channel("c")
    path = f"/channels/{channel.id}/messages"
    route = "/channels/{channel_id}/messages"
    # The first POST goes through; the second is carried out, then its answer is held.
    held = emu.hold(route, method="POST", skip=1, applied=True)
    await call(emu, "POST", path, {"content": "first"})
    second = asyncio.create_task(call(emu, "POST", path, {"content": "second"}))
    await emu.wait_for(lambda: held.waiting)
    assert [m.content for m in emu.messages(channel)] == ["first", "second"]
    assert not second.done()
    # Other methods on the route are not held.
    status, listed = await call(emu, "GET", path, None)
    assert status == 200 and len(listed) == 2
    emu.release(route)
    status, body = await second
    assert status == 200 and body["content"] == "second"

    # Held on its way in: until released, Discord has not seen it.
    held = emu.hold(route, method="POST")
    third = asyncio.create_task(call(emu, "POST", path, {"content": "third"}))
    await emu.wait_for(lambda: held.waiting)
    assert len(emu.messages(channel)) == 2
    emu.release(route)
    assert (await third)[0] == 200
    assert [m.content for m in emu.messages(channel)] == ["first", "second", "third"]


async def test_a_call_held_on_its_way_in_is_dropped_if_the_client_hangs_up(
    emu: Emulator,
) -> None:
    channel = emu.add_guild("g").add_text_channel("c")
    route = "/channels/{channel_id}/messages"
    held = emu.hold(route, method="POST")
    sent = asyncio.create_task(
        call(emu, "POST", f"/channels/{channel.id}/messages", {"content": "lost"}))
    await emu.wait_for(lambda: held.waiting)
    sent.cancel()  # the client closes its connection, as a killed process's would
    with contextlib.suppress(asyncio.CancelledError):
        await sent
    record = held.waiting[0]
    emu.release(route)
    await emu.wait_for(lambda: record.status is not None and not held.waiting)
    assert emu.messages(channel) == []
