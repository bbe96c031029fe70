"""Emulator behaviour the publisher relies on: enforce_nonce and forum tag edits, over HTTP."""

from __future__ import annotations

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
