"""Every route the emulator serves answers in the shape Discord's OpenAPI spec gives.

Each call's response is validated with jsonschema against the spec's schema for that path,
method and status ($refs resolved within the spec); error statuses against the spec's
ClientErrorResponse / ClientRatelimitedResponse. The last test checks that every API route
the emulator registers was exercised here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest
import pytest_asyncio

from bot.emulator import Emulator
from bot.emulator.rest import API_PREFIX
from tests.emulator.harness import RawGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _documented_field_errors(components: dict[str, Any]) -> dict[str, Any]:
    """The spec types a field error's ``code`` as an integer (it reuses ``Error``), but
    Discord's documentation shows, and Discord sends, string codes such as
    "BASE_TYPE_REQUIRED" inside ``errors.<field>._errors``; follow the documentation there."""
    inner = components["schemas"]["InnerErrors"]["properties"]["_errors"]
    inner["items"] = {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
    return components


class Spec:
    def __init__(self, path: Path) -> None:
        self.doc = json.loads(path.read_text())
        self.components = _documented_field_errors(copy.deepcopy(self.doc["components"]))

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            parts = node["$ref"].removeprefix("#/").split("/")
            target: Any = self.doc
            for part in parts:
                target = target[part]
            node = target
        return node

    def response_schema(self, method: str, path: str, status: int) -> dict[str, Any] | None:
        responses = self.doc["paths"][path][method.lower()]["responses"]
        resp = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        assert resp is not None, f"the spec has no {status} response for {method} {path}"
        resp = self._resolve(resp)
        content = resp.get("content", {}).get("application/json")
        return None if content is None else content["schema"]

    def validate(self, method: str, path: str, status: int, body: Any) -> None:
        schema = self.response_schema(method, path, status)
        if schema is None:
            assert body in (None, ""), f"{method} {path} {status} should have no body"
            return
        root = schema | {"components": self.components}
        jsonschema.Draft202012Validator(root).validate(body)


class Client:
    """REST calls that validate each response and record which routes were exercised."""

    def __init__(self, emu: Emulator, http: aiohttp.ClientSession, spec: Spec) -> None:
        self.emu = emu
        self.http = http
        self.spec = spec
        self.exercised: set[tuple[str, str]] = set()

    async def call(
        self,
        method: str,
        path: str,
        *,
        expect: int,
        auth: bool = True,
        token: str | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = {"Authorization": f"Bot {token or self.emu.token}"} if auth else {}
        async with self.http.request(
            method, self.emu.rest_url + path, headers=headers, **kwargs
        ) as resp:
            raw = await resp.read()
            assert resp.status == expect, (resp.status, raw[:300])
            if raw:
                assert resp.headers["Content-Type"] == "application/json"
            body = json.loads(raw) if raw else None
            if resp.status != 401:
                assert resp.headers["Via"] == "1.1 google"
            if resp.status < 400 or resp.status == 429:
                for header in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
                    assert f"X-RateLimit-{header}" in resp.headers
        route = self.emu.requests[-1].route
        spec_path = route
        if route.endswith("/messages/{message_id}") and path.endswith("/messages/@original"):
            spec_path = route.replace("{message_id}", "@original")
        self.spec.validate(method, spec_path, expect, body)
        self.exercised.add((method, route))
        return body


class Fixture:
    def __init__(self, emu: Emulator, client: Client, gateway: RawGateway) -> None:
        self.emu = emu
        self.client = client
        self.gateway = gateway
        self.guild = emu.add_guild("Spec Guild")
        self.text = self.guild.add_text_channel("text", topic="checked against the spec")
        self.forum = self.guild.add_forum_channel("forum", tags=["a", "b"])
        self.locked = self.guild.add_text_channel("locked")
        emu.deny(self.locked, "SEND_MESSAGES")
        self.member = self.guild.add_member("member")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fx(shared_dir: Path) -> AsyncIterator[Fixture]:
    spec = Spec(shared_dir / "reference" / "discord-openapi.json")
    # This client ignores rate-limit headers on purpose, so buckets only report here.
    emu = Emulator(token="spec-token", interaction_deadline=None, rate_limits=False)
    await emu.start()
    async with aiohttp.ClientSession() as http:
        client = Client(emu, http, spec)
        fixture = Fixture(emu, client, await RawGateway.connect(http, emu))
        await fixture.gateway.identify(emu.token)
        yield fixture
        await fixture.gateway.close()
    await emu.stop()


async def test_identity_and_gateway_routes(fx: Fixture) -> None:
    c = fx.client
    await c.call("GET", "/gateway", expect=200, auth=False)
    bot_gateway = await c.call("GET", "/gateway/bot", expect=200)
    assert bot_gateway["url"] == fx.emu.gateway_url
    me = await c.call("GET", "/users/@me", expect=200)
    assert me["bot"] is True
    await c.call("GET", "/oauth2/applications/@me", expect=200)
    await c.call("GET", "/applications/@me", expect=200)
    await c.call("GET", "/users/@me", expect=401, token="wrong")


async def test_command_routes(fx: Fixture) -> None:
    c = fx.client
    app = fx.emu.application_id
    commands = [
        {
            "name": "feed",
            "description": "Feeds",
            "options": [
                {
                    "type": 1,
                    "name": "add",
                    "description": "Add",
                    "options": [{"type": 3, "name": "url", "description": "URL", "required": True}],
                }
            ],
        },
        {"name": "summary", "description": "Weekly summary"},
    ]
    first = await c.call("PUT", f"/applications/{app}/commands", expect=200, json=commands)
    again = await c.call("PUT", f"/applications/{app}/commands", expect=200, json=commands)
    assert [x["id"] for x in first] == [x["id"] for x in again]
    assert [x["version"] for x in first] == [x["version"] for x in again]  # unchanged
    await c.call("GET", f"/applications/{app}/commands", expect=200)
    gpath = f"/applications/{app}/guilds/{fx.guild.id}/commands"
    guild_cmds = await c.call("PUT", gpath, expect=200, json=commands[1:])
    assert guild_cmds[0]["guild_id"] == str(fx.guild.id)
    await c.call("GET", gpath, expect=200)
    await c.call("PUT", f"/applications/{app}/commands", expect=400, json=[{"name": "Bad Name"}])


async def test_channel_message_and_thread_routes(fx: Fixture) -> None:
    c = fx.client
    text = fx.text.id
    await c.call("GET", f"/channels/{text}", expect=200)
    await c.call("GET", f"/channels/{fx.forum.id}", expect=200)
    first = await c.call(
        "POST",
        f"/channels/{text}/messages",
        expect=200,
        json={
            "content": f"Hello <@{fx.member.id}>",
            "embeds": [
                {
                    "title": "Piece",
                    "description": "Four arguments",
                    "fields": [{"name": "1", "value": "For starters"}],
                    "footer": {"text": "counterpoint"},
                }
            ],
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "Agree", "custom_id": "vote:agree:1"}
                    ],
                }
            ],
            "allowed_mentions": {"parse": ["users"]},
        },
    )
    assert first["mentions"][0]["id"] == str(fx.member.id)
    reply = await c.call(
        "POST",
        f"/channels/{text}/messages",
        expect=200,
        json={"content": "reply", "message_reference": {"message_id": first["id"]}},
    )
    assert reply["type"] == 19
    form = aiohttp.FormData(quote_fields=False)
    form.add_field(
        "payload_json",
        json.dumps({"content": "file", "attachments": [{"id": 0, "filename": "a.txt"}]}),
        content_type="application/json",
    )
    form.add_field("files[0]", b"bytes!", filename="a.txt", content_type="text/plain")
    uploaded = await c.call("POST", f"/channels/{text}/messages", expect=200, data=form)
    assert uploaded["attachments"][0]["size"] == 6
    await c.call("GET", f"/channels/{text}/messages", expect=200, params={"limit": "2"})
    await c.call("GET", f"/channels/{text}/messages/{first['id']}", expect=200)
    await c.call(
        "PATCH", f"/channels/{text}/messages/{first['id']}", expect=200, json={"content": "edited"}
    )
    thread = await c.call(
        "POST",
        f"/channels/{text}/messages/{first['id']}/threads",
        expect=201,
        json={"name": "Argument 1", "auto_archive_duration": 1440},
    )
    await c.call("GET", f"/channels/{thread['id']}", expect=200)
    await c.call(
        "POST", f"/channels/{thread['id']}/messages", expect=200, json={"content": "in thread"}
    )
    await c.call(
        "POST",
        f"/channels/{text}/threads",
        expect=201,
        json={"name": "Loose thread", "type": 11},
    )
    post = await c.call(
        "POST",
        f"/channels/{fx.forum.id}/threads",
        expect=201,
        json={
            "name": "Forum post",
            "applied_tags": [str(fx.forum.tag("a").id)],
            "message": {"content": "opening"},
        },
    )
    assert post["message"]["id"] == post["id"]
    await c.call("DELETE", f"/channels/{text}/messages/{reply['id']}", expect=204)
    archived = await c.call(
        "PATCH",
        f"/channels/{thread['id']}",
        expect=200,
        json={"archived": True, "locked": True, "name": "Argument 1 (closed)"},
    )
    assert archived["thread_metadata"]["locked"] is True
    await c.call("PATCH", f"/channels/{text}", expect=403, json={"topic": "new"})
    fx.emu.allow(fx.text, "MANAGE_CHANNELS", target=fx.emu.bot_user.id)
    renamed = await c.call("PATCH", f"/channels/{text}", expect=200, json={"topic": "new"})
    assert renamed["topic"] == "new"


async def test_guild_routes(fx: Fixture) -> None:
    c = fx.client
    gid = fx.guild.id
    await c.call("GET", f"/guilds/{gid}", expect=200, params={"with_counts": "true"})
    await c.call("GET", f"/guilds/{gid}/channels", expect=200)
    await c.call("GET", f"/guilds/{gid}/members/{fx.emu.bot_user.id}", expect=200)
    await c.call("GET", f"/guilds/{gid}/members/{fx.member.id}", expect=200)
    await c.call("GET", f"/guilds/{gid}/roles", expect=200)


def action_row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


async def test_interaction_routes(fx: Fixture) -> None:
    c = fx.client
    emu = fx.emu
    app = emu.application_id

    async def respond(record: Any, body: dict[str, Any], *, expect: int = 200,
                      with_response: bool = True) -> Any:
        """POST ``record``'s interaction callback, asking for the response unless told not to."""
        return await c.call(
            "POST",
            f"/interactions/{record.id}/{record.token}/callback",
            expect=expect,
            auth=False,
            params={"with_response": "true"} if with_response else None,
            json=body,
        )

    cmd = await emu.run_slash_command(fx.member, fx.text, "summary")
    more = {"type": 2, "style": 2, "label": "More", "custom_id": "more"}
    answered = await respond(
        cmd, {"type": 4, "data": {"content": "Here it is", "components": [action_row(more)]}}
    )
    assert answered["resource"]["message"]["content"] == "Here it is"
    assert cmd.callback_type == 4
    await respond(cmd, {"type": 4, "data": {}}, expect=400, with_response=False)

    hook = f"/webhooks/{app}/{cmd.token}"
    follow = await c.call(
        "POST", hook, expect=200, auth=False, params={"wait": "true"}, json={"content": "later"}
    )
    await c.call("POST", hook, expect=204, auth=False, json={"content": "fire and forget"})
    await c.call("GET", f"{hook}/messages/@original", expect=200, auth=False)
    await c.call(
        "PATCH", f"{hook}/messages/@original", expect=200, auth=False, json={"content": "v2"}
    )
    await c.call("GET", f"{hook}/messages/{follow['id']}", expect=200, auth=False)
    await c.call(
        "PATCH",
        f"{hook}/messages/{follow['id']}",
        expect=200,
        auth=False,
        json={"content": "later, edited"},
    )
    await c.call("DELETE", f"{hook}/messages/{follow['id']}", expect=204, auth=False)

    # A button on that message: update it in place (type 7), answered with the message.
    click = await emu.click_button(fx.member, cmd.original_message_id, "more")
    updated = await respond(click, {"type": 7, "data": {"content": "expanded"}})
    assert updated["resource"]["type"] == 7
    # Deferred (type 5) without with_response: 204 and a loading message.
    deferred = await emu.run_slash_command(fx.member, fx.text, "summary")
    await respond(deferred, {"type": 5}, expect=204, with_response=False)
    assert deferred.original is not None and deferred.original.flags & 128
    # A modal: with_response carries only the interaction.
    modal = await emu.run_slash_command(fx.member, fx.text, "summary")
    text_input = {"type": 4, "custom_id": "text", "label": "Text", "style": 1}
    form = {"custom_id": "m", "title": "T", "components": [action_row(text_input)]}
    opened = await respond(modal, {"type": 9, "data": form})
    assert "resource" not in opened
    await c.call("DELETE", f"{hook}/messages/@original", expect=204, auth=False)
    await c.call("GET", f"{hook}/messages/@original", expect=404, auth=False)


async def test_error_responses(fx: Fixture) -> None:
    c = fx.client
    text = fx.text.id
    missing = await c.call("GET", "/channels/1", expect=404)
    assert missing["code"] == 10003
    denied = await c.call(
        "POST", f"/channels/{fx.locked.id}/messages", expect=403, json={"content": "x"}
    )
    assert denied == {"message": "Missing Permissions", "code": 50013}
    unknown = await c.call("GET", f"/channels/{text}/messages/1", expect=404)
    assert unknown["code"] == 10008
    too_long = await c.call(
        "POST",
        f"/channels/{text}/messages",
        expect=400,
        json={"content": "x" * 2001, "embeds": [{"title": "t" * 257}]},
    )
    assert too_long["code"] == 50035
    assert too_long["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert "title" in too_long["errors"]["embeds"]["0"]
    fields = [{"name": "n", "value": "v"}] * 26
    many = await c.call(
        "POST", f"/channels/{text}/messages", expect=400, json={"embeds": [{"fields": fields}]}
    )
    assert "fields" in many["errors"]["embeds"]["0"]
    big = [{"description": "d" * 4000}, {"description": "d" * 2001}]
    total = await c.call("POST", f"/channels/{text}/messages", expect=400, json={"embeds": big})
    assert total["errors"]["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"
    empty = await c.call("POST", f"/channels/{text}/messages", expect=400, json={})
    assert empty["code"] == 50006
    fx.emu.force_429(1, retry_after=0.25)
    limited = await c.call("GET", f"/channels/{text}", expect=429)
    assert limited["retry_after"] == 0.25 and limited["global"] is False


async def test_every_served_route_was_checked(fx: Fixture) -> None:
    served = {
        (route.method, route.path[len(API_PREFIX) :])
        for route in fx.emu.rest.routes()
        if isinstance(route, aiohttp.web.RouteDef) and route.path.startswith(API_PREFIX)
    }
    missing = served - fx.client.exercised
    assert not missing, f"routes never validated against the spec: {sorted(missing)}"
