"""The emulator refuses what Discord refuses: each body against its operation's schema in
Discord's OpenAPI spec plus the documented limits the spec leaves out, answered as Discord
answers (400, code 50035, the field's path as nested keys).

Everything here goes over real HTTP to a running emulator, except where a test compares the
shipped schema with the spec alone (to show that a looseness or a limit is really needed).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio

from bot.emulator import Channel, Emulator, Message
from bot.emulator.errors import FormErrors
from bot.emulator.openapi import (
    LOOSER_THAN_SPEC,
    SCHEMA_FILE,
    STRICTER_THAN_SPEC,
    RequestSchemas,
    extract,
    render,
    served_routes,
)
from tests.emulator.harness import RawGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

BAD_LENGTH_100 = {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}
MESSAGES = "/channels/{channel_id}/messages"


def at(*path: str | int, errors: list[dict[str, str]]) -> dict[str, Any]:
    """The ``errors`` tree Discord sends for faults at one path."""
    node: dict[str, Any] = {"_errors": errors}
    for part in reversed(path):
        node = {str(part): node}
    return node


def invalid(*path: str | int, code: str, message: str) -> dict[str, Any]:
    return {"code": 50035, "message": "Invalid Form Body",
            "errors": at(*path, errors=[{"code": code, "message": message}])}


@dataclass
class World:
    emu: Emulator
    http: aiohttp.ClientSession
    text: Channel
    forum: Channel
    anchor: Message

    async def call(self, method: str, path: str, body: Any, *,
                   token: bool = True) -> tuple[int, Any]:
        headers = {"Authorization": f"Bot {self.emu.token}"} if token else {}
        async with self.http.request(method, self.emu.rest_url + path, json=body,
                                     headers=headers) as resp:
            raw = await resp.read()
            return resp.status, (json.loads(raw) if raw else None)

    async def post_message(self, body: dict[str, Any]) -> tuple[int, Any]:
        return await self.call("POST", f"/channels/{self.text.id}/messages", body)

    async def put_commands(self, commands: list[dict[str, Any]]) -> tuple[int, Any]:
        return await self.call("PUT", f"/applications/{self.emu.application_id}/commands",
                               commands)

    async def interaction(self) -> tuple[str, str]:
        """A fresh slash command's callback path and follow-up webhook path."""
        guild = self.text.guild
        member = next(iter(m for m in guild.members.values() if m.name == "member"))
        record = await self.emu.run_slash_command(member, self.text, "summary")
        return (f"/interactions/{record.id}/{record.token}/callback",
                f"/webhooks/{self.emu.application_id}/{record.token}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world() -> AsyncIterator[World]:
    emu = Emulator(token="validation", interaction_deadline=None, rate_limits=False)
    await emu.start()
    guild = emu.add_guild("Validation")
    text = guild.add_text_channel("text")
    forum = guild.add_forum_channel("forum")
    guild.add_member("member")
    anchor = emu.state.create_message(text, emu.bot_user, {"content": "anchor"}, announce=False)
    async with aiohttp.ClientSession() as http:
        gateway = await RawGateway.connect(http, emu)  # interactions need a session
        await gateway.identify(emu.token)
        yield World(emu, http, text, forum, anchor)
        await gateway.close()
    await emu.stop()


def feed_command(subcommand_description: str) -> dict[str, Any]:
    return {
        "name": "feed", "description": "Follow commentary feeds", "options": [{
            "type": 1, "name": "add", "description": subcommand_description,
            "options": [{"type": 3, "name": "url", "description": "The feed", "required": True}],
        }],
    }


# --- what the issue asked to see ---------------------------------------------------------------

async def test_a_101_character_subcommand_description_is_refused(world: World) -> None:
    status, body = await world.put_commands([feed_command("d" * 101)])
    assert status == 400
    assert body == {"code": 50035, "message": "Invalid Form Body",
                    "errors": at(0, "options", 0, "description", errors=[BAD_LENGTH_100])}
    assert world.emu.state.acting.global_commands == []  # refused whole: nothing registered
    status, _ = await world.put_commands([feed_command("d" * 100)])
    assert status == 200


async def test_an_over_long_thread_name_is_refused_on_every_thread_route(world: World) -> None:
    name = "n" * 101
    expected = invalid("name", **BAD_LENGTH_100)
    from_message = f"/channels/{world.text.id}/messages/{world.anchor.id}/threads"
    assert await world.call("POST", from_message, {"name": name}) == (400, expected)
    without = f"/channels/{world.text.id}/threads"
    assert await world.call("POST", without, {"name": name, "type": 11}) == (400, expected)
    forum_post = f"/channels/{world.forum.id}/threads"
    assert await world.call("POST", forum_post, {"name": name, "message": {"content": "x"}}) == (
        400, expected)
    status, thread = await world.call("POST", from_message, {"name": "n" * 100})
    assert status == 201
    status, body = await world.call("PATCH", f"/channels/{thread['id']}", {"name": name})
    # A thread's update schema puts no lower bound on the name, hence the shorter message.
    assert (status, body) == (400, invalid("name", code="BASE_TYPE_MAX_LENGTH",
                                           message="Must be 100 or fewer in length."))
    assert world.emu.channel(int(thread["id"])).name == "n" * 100


async def test_a_6001_character_embed_is_refused_and_6000_passes(world: World) -> None:
    over = [{"title": "t" * 256, "description": "d" * 4096},
            {"fields": [{"name": "n" * 256, "value": "v" * 1024}],
             "footer": {"text": "f" * 369}}]  # 6,001 characters, each field within its limit
    expected = invalid("embeds", code="MAX_EMBED_SIZE_EXCEEDED",
                       message="Embed size exceeds maximum size of 6000")
    assert await world.post_message({"embeds": over}) == (400, expected)
    over[1]["footer"]["text"] = "f" * 368
    status, _ = await world.post_message({"embeds": over})
    assert status == 200


async def test_the_same_limits_hold_on_every_route_that_carries_a_message(world: World) -> None:
    too_long = {"content": "x" * 2001}
    expected = invalid("content", code="BASE_TYPE_MAX_LENGTH",
                       message="Must be 2000 or fewer in length.")
    callback, webhook = await world.interaction()
    assert await world.call("POST", callback, {"type": 4, "data": too_long}, token=False) == (
        400, invalid("data", "content", code="BASE_TYPE_MAX_LENGTH",
                     message="Must be 2000 or fewer in length."))
    assert (await world.call("POST", callback, {"type": 4, "data": {"content": "ok"}},
                             token=False))[0] == 204  # accepted, without with_response
    assert await world.call("POST", f"{webhook}?wait=true", too_long, token=False) == (
        400, expected)
    assert await world.call("PATCH", f"{webhook}/messages/@original", too_long,
                            token=False) == (400, expected)
    assert await world.call("PATCH", f"/channels/{world.text.id}/messages/{world.anchor.id}",
                            too_long) == (400, expected)
    forum_post = {"name": "post", "message": too_long}
    assert await world.call("POST", f"/channels/{world.forum.id}/threads", forum_post) == (
        400, invalid("message", "content", code="BASE_TYPE_MAX_LENGTH",
                     message="Must be 2000 or fewer in length."))


# --- more of the schema: nesting, enums, custom ids, modals, several faults at once -------------

async def test_a_button_custom_id_over_100_is_refused_at_its_path(world: World) -> None:
    button = {"type": 2, "style": 1, "label": "Agree", "custom_id": "c" * 101}
    status, body = await world.post_message(
        {"content": "x", "components": [{"type": 1, "components": [button]}]})
    assert (status, body) == (400, invalid("components", 0, "components", 0, "custom_id",
                                           **BAD_LENGTH_100))


async def test_a_modal_title_over_45_is_refused(world: World) -> None:
    callback, _ = await world.interaction()
    modal = {"custom_id": "m", "title": "t" * 46, "components": [{"type": 1, "components": [
        {"type": 4, "custom_id": "text", "label": "Text", "style": 1}]}]}
    status, body = await world.call("POST", callback, {"type": 9, "data": modal}, token=False)
    assert (status, body) == (400, invalid(
        "data", "title", code="BASE_TYPE_BAD_LENGTH",
        message="Must be between 1 and 45 in length."))


async def test_an_unknown_enum_value_and_a_missing_field(world: World) -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 9, "label": "l", "custom_id": "c"}]}
    status, body = await world.post_message({"content": "x", "components": [row]})
    assert (status, body) == (400, invalid(
        "components", 0, "components", 0, "style", code="BASE_TYPE_CHOICES",
        message="Value must be one of (1, 2, 3, 4, 5, 6)."))
    from_message = f"/channels/{world.text.id}/messages/{world.anchor.id}/threads"
    status, body = await world.call("POST", from_message, {"auto_archive_duration": 1440})
    assert (status, body) == (400, invalid("name", code="BASE_TYPE_REQUIRED",
                                           message="This field is required"))
    status, body = await world.call("POST", from_message,
                                    {"name": "ok", "auto_archive_duration": 30})
    assert (status, body) == (400, invalid(
        "auto_archive_duration", code="BASE_TYPE_CHOICES",
        message="Value must be one of (60, 1440, 4320, 10080)."))


async def test_every_fault_is_reported_at_once(world: World) -> None:
    status, body = await world.post_message(
        {"content": "x" * 2001, "embeds": [{"title": "t" * 257, "url": "http://a b/"}]})
    assert status == 400 and body["code"] == 50035
    errors = body["errors"]
    assert errors["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert errors["embeds"]["0"]["title"]["_errors"] == [
        {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]
    assert errors["embeds"]["0"]["url"]["_errors"] == [
        {"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]


async def test_command_rules_beyond_the_schema(world: World) -> None:
    options = [{"type": 3, "name": "a", "description": "A"},
               {"type": 3, "name": "b", "description": "B", "required": True},
               {"type": 3, "name": "a", "description": "A again"}]
    status, body = await world.put_commands([
        {"name": "Bad Name", "description": "d"},
        {"name": "order", "description": "d", "options": options},
        {"name": "huge", "description": "d" * 100, "options": [
            {"type": 3, "name": f"o{i}", "description": "d" * 100,
             "choices": [{"name": "c" * 100, "value": "v" * 100} for _ in range(2)]}
            for i in range(10)]},
    ])
    assert status == 400
    errors = body["errors"]
    assert errors["0"]["name"]["_errors"][0]["code"] == "APPLICATION_COMMAND_INVALID_NAME"
    assert errors["1"]["options"]["1"]["required"]["_errors"][0]["code"] == (
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")
    assert errors["1"]["options"]["2"]["name"]["_errors"][0]["code"] == (
        "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS")
    assert errors["2"]["_errors"] == [{"code": "APPLICATION_COMMAND_TOO_LARGE",
                                       "message": "Command exceeds maximum size (4000)"}]


async def test_body_refusals_are_on_record_and_other_refusals_are_not(world: World) -> None:
    before = len(world.emu.refused_bodies)
    await world.post_message({"content": "x" * 2001})
    await world.post_message({})  # empty: 50006
    world.emu.deny_bot(world.text, "SEND_MESSAGES")
    try:
        status, _ = await world.post_message({"content": "fine"})  # 403: not the body's fault
    finally:
        world.emu.allow(world.text, "SEND_MESSAGES", target=world.emu.bot_user.id)
    assert status == 403
    refused = world.emu.refused_bodies[before:]
    assert [r.error["code"] for r in refused if r.error] == [50035, 50006]


# --- where Discord is looser, or stricter, than its spec -----------------------------------------

def spec_only(*differences: Any) -> RequestSchemas:
    return RequestSchemas.from_extract(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")),
                                       differences)


def refusals(schemas: RequestSchemas, method: str, path: str, body: Any) -> dict[str, Any]:
    errors = FormErrors()
    schemas.check(method, path, body, errors)
    return errors.tree


async def test_ids_sent_as_integers_by_discord_py_are_accepted(world: World) -> None:
    # What discord.py itself puts in a reply that mentions a member and uploads a file.
    mentions = discord.AllowedMentions(users=[discord.Object(world.emu.bot_user.id)]).to_dict()
    reference = discord.MessageReference(message_id=world.anchor.id,
                                         channel_id=world.text.id).to_dict()
    assert isinstance(mentions["users"][0], int) and isinstance(reference["message_id"], int)
    body = {"content": "a reply", "allowed_mentions": mentions, "message_reference": reference,
            "attachments": [{"id": 0, "filename": "a.txt"}]}
    status, _ = await world.post_message({k: v for k, v in body.items() if k != "attachments"})
    assert status == 200
    assert refusals(spec_only(*LOOSER_THAN_SPEC), "POST", MESSAGES, body) == {}
    # The spec alone would refuse each of them.
    strict = refusals(spec_only(), "POST", MESSAGES, body)
    assert strict["allowed_mentions"]["users"]["0"]["_errors"][0]["code"] == (
        "NUMBER_TYPE_COERCE")
    assert "_errors" in strict["message_reference"]["message_id"]
    assert "_errors" in strict["attachments"]["0"]["id"]
    # Only non-negative integers count: a negative one is still refused.
    negative = body | {"message_reference": reference | {"message_id": -1}}
    assert "message_reference" in refusals(spec_only(*LOOSER_THAN_SPEC), "POST", MESSAGES,
                                          negative)


async def test_media_channels_in_channel_types_are_accepted(world: World) -> None:
    # discord.py's channel_types for an option typed ForumChannel: forum (15) and media (16).
    command = {"name": "post", "description": "d", "options": [
        {"type": 7, "name": "channel", "description": "Where", "channel_types": [0, 5, 15, 16]}]}
    status, _ = await world.put_commands([command])
    assert status == 200
    strict = refusals(spec_only(), "PUT", "/applications/{application_id}/commands", [command])
    assert strict["0"]["options"]["0"]["channel_types"]["3"]["_errors"][0]["code"] == (
        "BASE_TYPE_CHOICES")


async def test_a_bots_content_is_capped_at_2000_where_the_spec_says_4000(world: World) -> None:
    body = {"content": "x" * 2001}
    assert refusals(spec_only(*LOOSER_THAN_SPEC), "POST", MESSAGES, body) == {}
    assert "content" in refusals(spec_only(*LOOSER_THAN_SPEC, *STRICTER_THAN_SPEC), "POST",
                                 MESSAGES, body)
    status, _ = await world.post_message({"content": "x" * 2000})
    assert status == 200


# --- the shipped extract ---------------------------------------------------------------------

async def test_every_route_that_takes_a_body_is_validated() -> None:
    schemas = spec_only()
    with_body = {(m, p) for m, p in served_routes() if m in ("POST", "PUT", "PATCH")}
    assert with_body and all(schemas.knows(m, p) for m, p in with_body)


async def test_the_shipped_extract_matches_discords_spec(shared_dir: Path) -> None:
    spec = json.loads((shared_dir / "reference" / "discord-openapi.json").read_text())
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(extract(spec, served_routes())), (
        "regenerate it: python -m bot.emulator.openapi ../shared/reference/discord-openapi.json")
