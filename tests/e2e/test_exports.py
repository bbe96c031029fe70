"""/debate export through Discord: a member picks a debate by title and gets its record as a
file, privately unless they ask to post it."""

from __future__ import annotations

import json
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import InteractionRecord, Member
from bot.exports import parse_kialo
from bot.store import PieceRecord, Store
from tests.e2e.harness import World, reply_text
from tests.feedsite import SAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

COUNTER = ("Shops on the next street lost trade when the lane opened, so the gains were "
           "moved rather than made.")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def piece(world: World, store: Store) -> PieceRecord:
    url = world.server.add("bikes.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    record = await world.post(url, world.general)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    found = await store.get_piece_by_url(world.guild.id, world.general.id, url)
    assert found is not None
    [first, *_] = await store.list_arguments(found.id)
    await store.add_contribution(first.id, world.bob.id, COUNTER)
    return found


async def export(world: World, member: Member, options: dict[str, Any]) -> InteractionRecord:
    record = await world.emu.run_slash_command(member, world.general, "debate export", options)
    await record.wait_response(timeout=10)
    await record.wait_for(lambda r: r.callback_type == 4 or bool(
        r.original is not None and (r.original.attachments or r.original.content)), 30)
    return record


def ephemeral(record: InteractionRecord) -> bool:
    flags = int((record.callback_data or {}).get("flags") or 0)
    return bool(flags & 64) or bool(record.original is not None and record.original.ephemeral)


async def test_a_member_finds_the_debate_by_title(world: World, piece: PieceRecord) -> None:
    assert piece.title
    typed = piece.title.split()[-1][:5]
    record = await world.emu.run_autocomplete(world.alice, world.general, "debate export",
                                              {"piece": typed}, focused="piece")
    await record.wait_response(timeout=10)
    assert [(c["name"], c["value"]) for c in record.choices or []] == [
        (piece.title[:100], str(piece.id))]
    none = await world.emu.run_autocomplete(world.alice, world.general, "debate export",
                                            {"piece": "no such words"}, focused="piece")
    await none.wait_response(timeout=10)
    assert none.choices == []


async def test_the_export_is_a_private_file_of_the_whole_debate(
        world: World, piece: PieceRecord, store: Store) -> None:
    record = await export(world, world.alice, {"piece": str(piece.id), "format": "kialo"})
    assert ephemeral(record)
    message = record.original
    assert message is not None
    assert [a.filename for a in message.attachments] == [f"debate-{piece.id}.txt"]
    discussion = parse_kialo(message.attachments[0].data.decode("utf-8"))
    arguments = await store.list_arguments(piece.id)
    assert len(discussion.thesis.children) == len(arguments) >= 2
    assert [c.text for c in discussion.thesis.children[0].children] == [COUNTER]
    assert message.content is not None
    assert "Members are numbered, not named, unless they opted in" in message.content
    assert record.original_edits[-1]["allowed_mentions"] == {"parse": []}
    assert message not in world.emu.messages(world.general)


async def test_a_public_export_is_posted_for_everyone(world: World, piece: PieceRecord) -> None:
    record = await export(world, world.bob, {"piece": str(piece.id), "format": "json",
                                             "public": True})
    assert not ephemeral(record)
    message = record.original
    assert message is not None and message in world.emu.messages(world.general)
    data = json.loads(message.attachments[0].data)
    assert data["piece"]["id"] == piece.id
    assert data["arguments"][0]["counterarguments"][0]["author"] == "Member 1"
    assert str(world.bob.id) not in message.attachments[0].data.decode()


async def test_a_member_who_opted_in_is_named(world: World, piece: PieceRecord) -> None:
    record = await world.emu.run_slash_command(world.bob, world.general, "boards opt-in",
                                               {"name": "Bob the Builder"})
    await record.wait_response(timeout=10)
    try:
        exported = await export(world, world.alice, {"piece": str(piece.id), "format": "json"})
        assert exported.original is not None
        data = json.loads(exported.original.attachments[0].data)
        assert data["arguments"][0]["counterarguments"][0]["author"] == "Bob the Builder"
    finally:
        out = await world.emu.run_slash_command(world.bob, world.general, "boards opt-out", {})
        await out.wait_response(timeout=10)


async def test_a_piece_not_picked_from_the_list_is_refused_privately(
        world: World, piece: PieceRecord) -> None:
    for typed, said in (("bike lanes", "Pick a piece from the list"),
                        (str(piece.id + 999), f"This server has no piece {piece.id + 999}.")):
        record = await export(world, world.alice, {"piece": typed, "public": True})
        assert record.callback_type == 4 and ephemeral(record)
        assert said in reply_text(record)
