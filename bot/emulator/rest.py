"""The REST routes the bot uses, under ``/api/v10``, plus the attachment "CDN".

A middleware wraps every API call: it logs the request, checks the bot token (routes carrying
an interaction token need none), applies injected faults, enforces rate limits, turns
:class:`APIError` into Discord's JSON error body, and stamps the rate-limit headers and
``Via``. Bodies are written with ``Content-Type: application/json`` exactly, which discord.py
requires before it parses JSON.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import permissions as P
from .errors import (
    ALREADY_ACKNOWLEDGED,
    CANNOT_EDIT_OTHERS_MESSAGE,
    CANNOT_SEND_EMPTY_MESSAGE,
    CANNOT_SEND_IN_NON_TEXT,
    INVALID_FORM_BODY,
    INVALID_JSON,
    THREAD_LOCKED,
    UNKNOWN_APPLICATION,
    UNKNOWN_GUILD,
    UNKNOWN_INTERACTION,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    APIError,
    FormErrors,
    missing_access,
    missing_permissions,
    not_found,
)
from .interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    InteractionRecord,
)
from .models import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    FLAG_REQUIRE_TAG,
    GUILD_FORUM,
    GUILD_TEXT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    ForumTag,
    Guild,
    Message,
    Thread,
)
from .openapi import request_schemas
from .state import BotIdentity, UploadedFile
from .validation import APPLIED_TAGS_MAX, check_commands, check_message, check_modal

if TYPE_CHECKING:
    from .emulator import Emulator
    from .testapi import Hold

API_PREFIX = "/api/v10"
BODY_ERRORS = (INVALID_FORM_BODY, CANNOT_SEND_EMPTY_MESSAGE, INVALID_JSON)
# A forum holds at most 20 tags, each named in 1 to 20 characters.
FORUM_TAGS_MAX = 20
FORUM_TAG_NAME_MAX = 20
# Discord documents the enforce_nonce window only as "the past few minutes".
NONCE_WINDOW = 120.0
# Message types of interaction responses (Discord's "Message Types").
MT_CHAT_INPUT_COMMAND = 20
# An interaction must be answered within 3 s; its token then works for 15 minutes.
TOKEN_LIFETIME = 15 * 60

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RequestRecord:
    """One REST call as the emulator saw it."""

    method: str
    path: str  # below /api/v10, with real ids
    route: str  # the template, e.g. /channels/{channel_id}/messages
    at: float = field(default_factory=time.time)
    status: int = 0
    bucket: str | None = None
    major: str = ""
    retry_after: float | None = None
    scope: str | None = None
    #: The JSON error body the emulator answered with, if it refused the call.
    error: dict[str, Any] | None = None
    #: Carried out, but its answer was dropped (:meth:`TestAPI.lose_responses`).
    lost: bool = False
    #: The application (and bot user) id the call acted for: its token's, or that of the
    #: interaction a token route belongs to; None if it authenticated as nobody.
    bot_id: int | None = None

    @property
    def refused_body(self) -> bool:
        """Refused for what the body said (50035 Invalid Form Body, 50006 empty message,
        50109 invalid JSON), as Discord would refuse it whatever the permissions."""
        return self.error is not None and self.error.get("code") in BODY_ERRORS


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


def _major(info: dict[str, str]) -> str:
    """The major parameter that splits a route's bucket, as Discord documents it."""
    if "channel_id" in info:
        return f"channel:{info['channel_id']}"
    if "guild_id" in info:
        return f"guild:{info['guild_id']}"
    if "webhook_id" in info:
        return f"webhook:{info['webhook_id']}:{info.get('webhook_token', '')}"
    if "interaction_id" in info:
        return f"interaction:{info['interaction_id']}:{info.get('interaction_token', '')}"
    return ""


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or multipart with ``payload_json`` and ``files[n]`` parts."""
    files: list[UploadedFile] = []
    if request.content_type == "multipart/form-data":
        payload: Any = {}
        reader = await request.multipart()
        async for part in reader:
            if part is None:
                break
            name = getattr(part, "name", None) or ""
            raw = await part.read(decode=False)  # type: ignore[union-attr]
            if name == "payload_json":
                payload = _loads(raw)
            elif name.startswith("files[") and name.endswith("]"):
                filename = getattr(part, "filename", None) or f"file{len(files)}"
                ctype = part.headers.get("Content-Type")
                files.append(UploadedFile(int(name[6:-1]), filename, bytes(raw), ctype))
        return payload, files
    raw = await request.read()
    if not raw:
        return {}, files
    return _loads(raw), files


def _loads(raw: bytes | bytearray) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise APIError(400, INVALID_JSON, "The request body contains invalid JSON.") from None


class RestApi:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.state = emu.state
        self.requests: list[RequestRecord] = []

    # -- plumbing ----------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        r = API_PREFIX
        app = f"{r}/applications/{{application_id}}"
        channel = f"{r}/channels/{{channel_id}}"
        message = f"{channel}/messages/{{message_id}}"
        guild = f"{r}/guilds/{{guild_id}}"
        webhook = f"{r}/webhooks/{{webhook_id}}/{{webhook_token}}"
        return [
            web.get(f"{r}/gateway", self.get_gateway),
            web.get(f"{r}/gateway/bot", self.get_gateway_bot),
            web.get(f"{r}/users/@me", self.get_me),
            web.get(f"{r}/oauth2/applications/@me", self.get_application),
            web.get(f"{r}/applications/@me", self.get_application),
            web.get(f"{app}/commands", self.get_commands),
            web.put(f"{app}/commands", self.put_commands),
            web.get(f"{app}/guilds/{{guild_id}}/commands", self.get_commands),
            web.put(f"{app}/guilds/{{guild_id}}/commands", self.put_commands),
            web.get(channel, self.get_channel),
            web.patch(channel, self.modify_channel),
            web.get(f"{channel}/messages", self.list_messages),
            web.post(f"{channel}/messages", self.create_message),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
            web.post(f"{message}/threads", self.thread_from_message),
            web.post(f"{channel}/threads", self.thread_without_message),
            web.get(guild, self.get_guild),
            web.get(f"{guild}/channels", self.guild_channels),
            web.get(f"{guild}/members/{{user_id}}", self.guild_member),
            web.get(f"{guild}/roles", self.guild_roles),
            web.post(
                f"{r}/interactions/{{interaction_id}}/{{interaction_token}}/callback",
                self.interaction_callback,
            ),
            web.post(webhook, self.execute_webhook),
            web.get(f"{webhook}/messages/{{message_id}}", self.get_webhook_message),
            web.patch(f"{webhook}/messages/{{message_id}}", self.edit_webhook_message),
            web.delete(f"{webhook}/messages/{{message_id}}", self.delete_webhook_message),
            web.get("/attachments/{channel_id}/{attachment_id}/{filename}", self.get_attachment),
        ]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        latency = self.emu.faults.latency
        if latency > 0:
            await asyncio.sleep(latency / 2)  # on the way in
        info = request.match_info
        resource = info.route.resource
        path = request.path[len(API_PREFIX) :]
        template = (
            resource.canonical[len(API_PREFIX) :]
            if resource is not None and info.http_exception is None
            else path
        )
        record = RequestRecord(request.method, path, template, major=_major(dict(info)))
        self.requests.append(record)
        response: web.StreamResponse | None = None
        hold = self.emu.faults.holds.get(template)
        held = hold if hold is not None and hold.catches(request.method) else None
        try:
            if held is not None and not held.applied:
                await self._wait_at(held, record)
                if request.transport is None or request.transport.is_closing():
                    # The client hung up (was killed) while the call was on its way in: it
                    # never reached Discord, so it changes nothing.
                    response = web.Response(status=499, text="client closed the connection")
                    return response
            response = await self._guarded(request, handler, record, info.http_exception)
            if held is not None and held.applied:
                await self._wait_at(held, record)
        finally:
            record.status = response.status if response is not None else 500
            self.emu.notify_changed()
        if latency > 0:
            await asyncio.sleep(latency / 2)  # on the way back
        return response

    async def _wait_at(self, held: Hold, record: RequestRecord) -> None:
        held.waiting.append(record)
        self.emu.notify_changed()  # a test may be waiting for the call to get here
        try:
            await held.released.wait()
        finally:
            held.waiting.remove(record)

    async def _guarded(
        self,
        request: web.Request,
        handler: Handler,
        record: RequestRecord,
        route_error: web.HTTPException | None,
    ) -> web.StreamResponse:
        emu = self.emu
        if route_error is not None:
            code = 405 if isinstance(route_error, web.HTTPMethodNotAllowed) else 404
            text = "405: Method Not Allowed" if code == 405 else "404: Not Found"
            return json_response({"message": text, "code": 0}, code)
        token_route = record.route.startswith(("/interactions/", "/webhooks/"))
        # GET /gateway is public; interaction and webhook routes authenticate by their token.
        needs_auth = not token_route and record.route != "/gateway"
        bot = self._caller(request, token_route)
        if needs_auth and bot is None:
            return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        record.bot_id = bot.application_id if bot is not None else None
        # Everything the call does (the author of what it posts, whose commands it reads or
        # replaces, whose permissions apply) is that bot's.
        with emu.state.acting_as(bot or emu.state.primary):
            return await self._authorised(request, handler, record, token_route, bot)

    def _caller(self, request: web.Request, token_route: bool) -> BotIdentity | None:
        """The bot a call acts for: the one its ``Authorization`` names, or on an
        interaction's or webhook's route, the application the interaction was sent to."""
        if not token_route:
            return self.state.bot_for_token(request.headers.get("Authorization"))
        info = request.match_info
        record = self.state.interactions_by_token.get(
            info.get("interaction_token") or info.get("webhook_token") or "")
        if record is None:
            return None
        return self.state.bot_for_application(record.payload.get("application_id"))

    async def _authorised(
        self, request: web.Request, handler: Handler, record: RequestRecord, token_route: bool,
        bot: BotIdentity | None,
    ) -> web.StreamResponse:
        emu = self.emu
        aimed = emu.faults.take("5xx", request.method, record.route)
        if aimed is not None or emu.faults.pending_5xx > 0:
            if aimed is None:
                emu.faults.pending_5xx -= 1
            # What Cloudflare serves when Discord's origin fails: HTML, no rate-limit headers.
            status = aimed.status if aimed is not None else emu.faults.status_5xx
            return web.Response(
                status=status,
                text=f"<html><body><h1>{status} Server Error</h1></body></html>",
                content_type="text/html",
            )
        # Limits are per bot token; an interaction route carries the interaction's token
        # instead (its bucket is per webhook id + token, in the major parameter) and is not
        # under the global limit.
        decision = emu.limiter.check(
            request.method, record.route, record.major, record.path,
            counts_global=not token_route,
            token=None if token_route or bot is None else bot.token,
            bot=bot.token if bot is not None else None,
        )
        record.bucket = decision.bucket
        if not decision.allowed:
            record.retry_after = decision.retry_after
            record.scope = decision.scope
            retry = round(decision.retry_after, 3)
            # The spec's RatelimitedResponse extends Error, so "code" (0) rides along.
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry,
                "global": decision.is_global,
                "code": 0,
            }
            limited = json_response(body, 429)
            limited.headers.update(decision.headers)
            limited.headers["Retry-After"] = str(max(1, int(-(-decision.retry_after // 1))))
            limited.headers["Via"] = "1.1 google"
            return limited
        resp: web.StreamResponse
        try:
            resp = await handler(request)
        except APIError as exc:
            record.error = exc.body()
            resp = json_response(record.error, exc.status)
        else:
            if emu.faults.take("lose", request.method, record.route) is not None \
                    and request.transport is not None:
                # Carried out; the answer never arrives (the client sees the link drop).
                record.lost = True
                request.transport.abort()
        resp.headers.update(decision.headers)
        # Discord's edge (Google's load balancer) adds this to every response.
        resp.headers["Via"] = "1.1 google"
        return resp

    # -- helpers -----------------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        return self.state.channel(request.match_info["channel_id"])

    def _message(self, request: web.Request, *names: str) -> tuple[Channel, Message]:
        """The route's channel and message, once the bot is allowed ``names`` in the channel
        (checked first, as Discord answers 403 before it says a message is unknown)."""
        channel = self._channel(request)
        self._need(channel, *names)
        return channel, self.state.message(channel, request.match_info["message_id"])

    def _need(self, channel: Channel, *names: str) -> None:
        """403 unless the bot holds every permission in ``channel``: 50001 without
        VIEW_CHANNEL (Discord's Missing Access), 50013 for anything else."""
        have = self.state.bot_permissions(channel)
        if not have & P.VIEW_CHANNEL:
            raise missing_access()
        for name in names:
            if not have & P.FLAGS[name]:
                raise missing_permissions()

    def _send_permissions(self, channel: Channel, payload: dict[str, Any], files: list) -> None:
        needed = ["SEND_MESSAGES_IN_THREADS" if channel.is_thread else "SEND_MESSAGES"]
        if payload.get("embeds"):
            needed.append("EMBED_LINKS")
        if files:
            needed.append("ATTACH_FILES")
        if payload.get("tts"):
            needed.append("SEND_TTS_MESSAGES")
        self._need(channel, *needed)

    def _open_thread_for_send(self, thread: Thread) -> None:
        """Locked threads need MANAGE_THREADS; sending to an archived one unarchives it."""
        if thread.locked and not self.state.bot_permissions(thread) & P.FLAGS["MANAGE_THREADS"]:
            raise APIError(403, THREAD_LOCKED, "Thread is locked")
        if thread.archived:
            thread.archived = False
            thread.archive_timestamp = time.time()
            self.state.channel_changed(thread)

    async def _body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        """The request's body (JSON, or multipart's ``payload_json`` and files), refused
        with 50035 where it breaks its operation's schema in Discord's OpenAPI spec."""
        payload, files = await read_body(request)
        route = request.match_info.route.resource
        assert route is not None  # only matched routes reach a handler
        errors = FormErrors()
        request_schemas().check(request.method, route.canonical[len(API_PREFIX):], payload,
                                errors)
        errors.raise_if_any()
        return payload, files

    # -- gateway, identity, commands ---------------------------------------------------------

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.emu.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.emu.gateway_url,
                "shards": self.emu.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000 - self.emu.gateway.identifies,
                    "reset_after": 86_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_me(self, request: web.Request) -> web.Response:
        user = self.state.acting.user.to_dict() | {
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
            "premium_type": 0,
        }
        return json_response(user)

    async def get_application(self, request: web.Request) -> web.Response:
        state = self.state
        return json_response(
            {
                "id": str(state.acting.application_id),
                "name": state.acting.name,
                "icon": None,
                "description": "Counterpoint (emulated)",
                "summary": "",
                "type": None,
                "bot": state.acting.user.to_dict(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "flags_new": "0",
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "owner": state.owner.to_dict(),
                "approximate_guild_count": len(state.guilds),
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "team": None,
                "eligible_oauth2_scopes": [],
                "rpc_origins": [],
                "tags": [],
            }
        )

    def _command_scope(self, request: web.Request) -> tuple[list[dict[str, Any]], int | None]:
        if int(request.match_info["application_id"]) != self.state.acting.application_id:
            raise not_found(UNKNOWN_APPLICATION, "Application")
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return self.state.acting.global_commands, None
        gid = int(guild_id)
        if gid not in self.state.guilds:
            raise missing_access()
        return self.state.acting.guild_commands.setdefault(gid, []), gid

    async def get_commands(self, request: web.Request) -> web.Response:
        commands, _ = self._command_scope(request)
        return json_response(commands)

    async def put_commands(self, request: web.Request) -> web.Response:
        existing, guild_id = self._command_scope(request)
        body, _ = await self._body(request)
        body = body or []  # the schema allows null: no commands
        check_commands(body)
        by_key = {(c["name"], c["type"]): c for c in existing}
        result = []
        for cmd in body:
            ctype = int(cmd.get("type", 1))
            old = by_key.get((cmd["name"], ctype))
            out = {
                "id": old["id"] if old else str(self.state.ids.next()),
                "application_id": str(self.state.acting.application_id),
                "version": str(self.state.ids.next()),
                "type": ctype,
                "name": cmd["name"],
                "description": cmd.get("description", ""),
                "default_member_permissions": cmd.get("default_member_permissions"),
                "dm_permission": cmd.get("dm_permission", True),
                "nsfw": bool(cmd.get("nsfw", False)),
                "integration_types": cmd.get("integration_types") or [0],
                "contexts": cmd.get("contexts"),
                "name_localizations": cmd.get("name_localizations"),
                "description_localizations": cmd.get("description_localizations"),
            }
            if cmd.get("options"):
                out["options"] = cmd["options"]
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            if old is not None and _same_command(old, out):
                out["version"] = old["version"]
            result.append(out)
        existing[:] = result
        return json_response(result)

    # -- channels and messages ---------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._need(channel)
        return json_response(channel.to_dict())

    async def modify_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload, _ = await self._body(request)
        if not isinstance(payload, dict):
            raise APIError(400, INVALID_JSON, "The request body contains invalid JSON.")
        errors = FormErrors()
        variant = ("UpdateThreadRequestPartial" if isinstance(channel, Thread)
                   else "UpdateGuildChannelRequestPartial")
        request_schemas().check_variant(variant, payload, errors)
        errors.raise_if_any()
        if "name" in payload:
            name = payload["name"]
            if not isinstance(name, str) or not 1 <= len(name) <= 100:
                errors.add(
                    ("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
        errors.raise_if_any()
        if isinstance(channel, Thread):
            self._modify_thread(channel, payload)
        else:
            self._need(channel, "MANAGE_CHANNELS")
            if "available_tags" in payload and channel.is_forum:
                channel.available_tags = self._forum_tags(channel, payload["available_tags"])
            for key in ("name", "topic", "nsfw", "rate_limit_per_user"):
                if key in payload:
                    setattr(channel, key, payload[key])
            if "default_auto_archive_duration" in payload:
                channel.default_auto_archive_duration = int(
                    payload["default_auto_archive_duration"]
                )
        self.state.channel_changed(channel)
        return json_response(channel.to_dict())

    def _forum_tags(self, forum: Channel, tags: Any) -> list[ForumTag]:
        """A forum's new tag list: tags given with a known id keep it, others get a new one;
        at most 20 tags, names 1 to 20 characters (Discord's limits)."""
        errors = FormErrors()
        if not isinstance(tags, list):
            errors.add(("available_tags",), "LIST_TYPE_CONVERT", "Must be a list.")
            errors.raise_if_any()
        if len(tags) > FORUM_TAGS_MAX:
            errors.add(
                ("available_tags",), "BASE_TYPE_MAX_LENGTH", "Must be 20 or fewer in length."
            )
        known = {t.id: t for t in forum.available_tags}
        result: list[ForumTag] = []
        for i, spec in enumerate(tags):
            name = spec.get("name") if isinstance(spec, dict) else None
            if not isinstance(name, str) or not 1 <= len(name) <= FORUM_TAG_NAME_MAX:
                errors.add(
                    ("available_tags", i, "name"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 20 in length.",
                )
                continue
            old_id = int(spec["id"]) if spec.get("id") else None
            tag_id = old_id if old_id in known else self.state.ids.next()
            result.append(
                ForumTag(tag_id, name, bool(spec.get("moderated")), spec.get("emoji_name"))
            )
        errors.raise_if_any()
        return result

    def _modify_thread(self, thread: Thread, payload: dict[str, Any]) -> None:
        """Thread owners may rename, re-tag and archive their unlocked threads; locking,
        unlocking and touching a locked thread need MANAGE_THREADS."""
        self._need(thread)
        manage = bool(self.state.bot_permissions(thread) & P.FLAGS["MANAGE_THREADS"])
        owner = thread.owner_id == self.state.acting.user.id
        if ("locked" in payload or thread.locked or not owner) and not manage:
            raise missing_permissions()
        if "applied_tags" in payload:
            known = {str(t.id) for t in thread.parent.available_tags}
            tags = [str(t) for t in payload["applied_tags"] or []]
            if any(t not in known for t in tags) or len(tags) > APPLIED_TAGS_MAX:
                errors = FormErrors()
                errors.add(("applied_tags",), "INVALID_FORUM_TAG", "Unknown tag")
                errors.raise_if_any()
            thread.applied_tags = [int(t) for t in tags]
        if "name" in payload:
            thread.name = payload["name"]
        if "rate_limit_per_user" in payload:
            thread.rate_limit_per_user = int(payload["rate_limit_per_user"] or 0)
        if "auto_archive_duration" in payload:
            thread.auto_archive_duration = int(payload["auto_archive_duration"])
        if "locked" in payload:
            thread.locked = bool(payload["locked"])
        if "invitable" in payload and thread.type == PRIVATE_THREAD:
            thread.invitable = bool(payload["invitable"])
        if "archived" in payload and bool(payload["archived"]) != thread.archived:
            thread.archived = bool(payload["archived"])
            thread.archive_timestamp = time.time()

    async def list_messages(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self._need(channel)
        if not self.state.bot_permissions(channel) & P.FLAGS["READ_MESSAGE_HISTORY"]:
            return json_response([])
        q = request.query
        limit = max(1, min(100, int(q.get("limit", 50))))
        ids = list(self.state.channel_messages.get(channel.id, []))
        if "before" in q:
            ids = [i for i in ids if i < int(q["before"])]
        if "after" in q:
            ids = [i for i in ids if i > int(q["after"])][:limit]
        if "around" in q:
            pivot = int(q["around"])
            older = [i for i in ids if i <= pivot][-((limit + 1) // 2) :]
            newer = [i for i in ids if i > pivot][: limit // 2]
            ids = older + newer
        ids = ids[-limit:]
        msgs = [self.state.messages[i].to_dict(self.state) for i in reversed(ids)]
        return json_response(msgs)

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload, files = await self._body(request)
        if channel.type == GUILD_FORUM:
            self._need(channel)
            raise APIError(
                400, CANNOT_SEND_IN_NON_TEXT, "Cannot send messages in a non-text channel"
            )
        self._send_permissions(channel, payload, files)
        check_message(payload, file_count=len(files), operation=None)
        repeat = self._nonce_repeat(channel, payload)
        if repeat is not None:
            return json_response(repeat.to_dict(self.state))
        if isinstance(channel, Thread):
            self._open_thread_for_send(channel)
        msg = self.state.create_message(channel, self.state.acting.user, payload, files)
        return json_response(msg.to_dict(self.state))

    def _nonce_repeat(self, channel: Channel, payload: dict[str, Any]) -> Message | None:
        """With ``enforce_nonce``, Discord returns the author's message carrying the same
        nonce from the past few minutes instead of creating another."""
        nonce = payload.get("nonce")
        if not payload.get("enforce_nonce") or nonce is None:
            return None
        horizon = time.time() - NONCE_WINDOW
        for message_id in reversed(self.state.channel_messages.get(channel.id, [])):
            msg = self.state.messages[message_id]
            if msg.created_at < horizon:
                break
            if msg.author.id == self.state.acting.user.id and str(msg.nonce) == str(nonce):
                return msg
        return None

    async def get_message(self, request: web.Request) -> web.Response:
        _, msg = self._message(request, "READ_MESSAGE_HISTORY")
        return json_response(msg.to_dict(self.state))

    async def edit_message(self, request: web.Request) -> web.Response:
        channel, msg = self._message(request)
        if msg.author.id != self.state.acting.user.id:
            raise APIError(
                403, CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user"
            )
        payload, files = await self._body(request)
        if payload.get("embeds"):
            self._need(channel, "EMBED_LINKS")
        check_message(payload, file_count=len(files), operation=None, require_body=False)
        self.state.edit_message(msg, payload, files)
        return json_response(msg.to_dict(self.state))

    async def delete_message(self, request: web.Request) -> web.Response:
        channel, msg = self._message(request)
        if msg.author.id != self.state.acting.user.id:
            self._need(channel, "MANAGE_MESSAGES")
        self.state.delete_message(msg)
        return web.Response(status=204)

    # -- threads -----------------------------------------------------------------------------

    async def thread_from_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        if channel.type != GUILD_TEXT:
            self._need(channel)
            raise APIError(400, 50024, "Cannot execute action on this channel type")
        self._need(channel, "CREATE_PUBLIC_THREADS", "READ_MESSAGE_HISTORY")
        msg = self.state.message(channel, request.match_info["message_id"])
        payload, _ = await self._body(request)
        thread = self.state.create_thread(channel, self.state.acting.user, payload, starter=msg)
        return json_response(thread.to_dict() | {"member": self._thread_member(thread)}, 201)

    async def thread_without_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload, files = await self._body(request)
        if channel.type == GUILD_FORUM:
            return await self._forum_post(channel, payload, files)
        if channel.type != GUILD_TEXT:
            self._need(channel)
            raise APIError(400, 50024, "Cannot execute action on this channel type")
        errors = FormErrors()
        request_schemas().check_variant("CreateTextThreadWithoutMessageRequest", payload, errors)
        errors.raise_if_any()
        kind = int(payload.get("type") or PRIVATE_THREAD)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            errors = FormErrors()
            errors.add(("type",), "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
            errors.raise_if_any()
        self._need(
            channel,
            "CREATE_PUBLIC_THREADS" if kind == PUBLIC_THREAD else "CREATE_PRIVATE_THREADS",
        )
        thread = self.state.create_thread(channel, self.state.acting.user, payload | {"type": kind})
        return json_response(thread.to_dict() | {"member": self._thread_member(thread)}, 201)

    async def _forum_post(
        self, forum: Channel, payload: dict[str, Any], files: list[UploadedFile]
    ) -> web.Response:
        message = payload.get("message")
        # Creating a post is the forum's SEND_MESSAGES ("Create Posts").
        needed = ["SEND_MESSAGES"]
        if isinstance(message, dict) and message.get("embeds"):
            needed.append("EMBED_LINKS")
        if files:
            needed.append("ATTACH_FILES")
        self._need(forum, *needed)
        errors = FormErrors()
        request_schemas().check_variant("CreateForumThreadRequest", payload, errors)
        errors.raise_if_any()
        if not isinstance(message, dict):
            errors.add(("message",), "BASE_TYPE_REQUIRED", "This field is required")
            errors.raise_if_any()
            return web.Response(status=500)  # unreachable: raise_if_any raised
        tags = [str(t) for t in payload.get("applied_tags") or []]
        known = {str(t.id): t for t in forum.available_tags}
        if len(tags) > APPLIED_TAGS_MAX:
            errors.add(("applied_tags",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for i, tag in enumerate(tags):
            if tag not in known:
                errors.add(("applied_tags", i), "INVALID_FORUM_TAG", "Unknown tag")
        if forum.flags & FLAG_REQUIRE_TAG and not tags:
            errors.add(("applied_tags",), "REQUIRED_TAG", "A tag is required to post in this forum")
        errors.raise_if_any()
        if any(known[t].moderated for t in tags):
            self._need(forum, "MANAGE_THREADS")
        check_message(message, file_count=len(files), operation=None)
        thread_id = self.state.ids.next()
        thread = self.state.create_thread(
            forum, self.state.acting.user, payload | {"applied_tags": tags}, thread_id=thread_id
        )
        first = self.state.create_message(
            thread, self.state.acting.user, message, files, message_id=thread_id
        )
        body = thread.to_dict() | {
            "member": self._thread_member(thread),
            "message": first.to_dict(self.state),
        }
        return json_response(body, 201)

    def _thread_member(self, thread: Thread) -> dict[str, Any]:
        return {
            "id": str(thread.id),
            "user_id": str(self.state.acting.user.id),
            "join_timestamp": thread.to_dict()["thread_metadata"]["create_timestamp"],
            "flags": 1,
        }

    # -- guilds ------------------------------------------------------------------------------

    def _guild(self, request: web.Request) -> Guild:
        try:
            return self.state.guilds[int(request.match_info["guild_id"])]
        except (KeyError, ValueError):
            raise not_found(UNKNOWN_GUILD, "Guild") from None

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        data = guild.to_create_payload(all_members=False)
        for key in (
            "members",
            "channels",
            "threads",
            "voice_states",
            "presences",
            "joined_at",
            "large",
            "member_count",
            "lazy",
            "unavailable",
            "stage_instances",
            "guild_scheduled_events",
            "soundboard_sounds",
        ):
            data.pop(key, None)
        if request.query.get("with_counts") in ("true", "True", "1"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return json_response(data)

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([c.to_dict() for c in guild.channels.values()])

    async def guild_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        try:
            member = guild.members[int(request.match_info["user_id"])]
        except (KeyError, ValueError):
            raise not_found(UNKNOWN_MEMBER, "Member") from None
        return json_response(member.to_dict())

    async def guild_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([r.to_dict() for r in guild.roles.values()])

    # -- interactions ------------------------------------------------------------------------

    def _record_by_token(self, webhook_id: str, token: str) -> InteractionRecord:
        record = self.state.interactions_by_token.get(token)
        if (
            record is None
            or webhook_id != str(self.state.acting.application_id)
            or time.monotonic() - record.created_at > TOKEN_LIFETIME
        ):
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        return record

    async def interaction_callback(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        info = request.match_info
        record = state.interactions_by_token.get(info["interaction_token"])
        if record is None or str(record.id) != info["interaction_id"]:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        deadline = self.emu.interaction_deadline
        if deadline is not None and time.monotonic() - record.created_at > deadline:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        if record.acknowledged:
            raise APIError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        body, files = await self._body(request)
        ctype = int(body.get("type", 0)) if isinstance(body, dict) else 0
        data = (body.get("data") or {}) if isinstance(body, dict) else {}
        allowed = {
            APPLICATION_COMMAND: {4, 5, 9},
            MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            APPLICATION_COMMAND_AUTOCOMPLETE: {8},
            MODAL_SUBMIT: {4, 5, 6, 7} if record.source_message_id else {4, 5},
        }[record.type]
        if ctype not in allowed:
            errors = FormErrors()
            errors.add(
                ("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
            )
            errors.raise_if_any()
        channel = state.channel(record.channel_id)
        message: Message | None = None
        if ctype == CHANNEL_MESSAGE_WITH_SOURCE:
            check_message(data, file_count=len(files), operation=None)
            message = self._interaction_message(record, channel, data, files)
        elif ctype == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            flags = int(data.get("flags") or 0) & FLAG_EPHEMERAL
            message = self._interaction_message(
                record, channel, {"flags": flags}, [], extra_flags=FLAG_LOADING
            )
        elif ctype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            assert record.source_message_id is not None
            message = state.messages.get(record.source_message_id)
            if message is None:
                raise not_found(UNKNOWN_MESSAGE, "Message")
            record.original_message_id = message.id
            if ctype == UPDATE_MESSAGE:
                check_message(data, file_count=len(files), operation=None, require_body=False)
                state.edit_message(message, data, files)
        elif ctype == AUTOCOMPLETE_RESULT:
            record.choices = list(data.get("choices") or [])
        elif ctype == MODAL:
            check_modal(data)
            record.modal = data
        record.callback_type = ctype
        record.callback_data = data
        record.mark_responded()
        if "with_response" not in request.query or request.query["with_response"] in ("false", "0"):
            return web.Response(status=204)
        interaction: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "channel_id": str(channel.id),
            "guild_id": str(channel.guild_id),
        }
        out: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            interaction["response_message_loading"] = bool(message.flags & FLAG_LOADING)
            interaction["response_message_ephemeral"] = message.ephemeral
            if ctype in (
                CHANNEL_MESSAGE_WITH_SOURCE,
                DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
                UPDATE_MESSAGE,
            ):
                out["resource"] = {"type": ctype, "message": message.to_dict(state)}
        return json_response(out)

    def _interaction_message(
        self,
        record: InteractionRecord,
        channel: Channel,
        data: dict[str, Any],
        files: list[UploadedFile],
        *,
        extra_flags: int = 0,
    ) -> Message:
        mtype = MT_CHAT_INPUT_COMMAND if record.type == APPLICATION_COMMAND else 0
        msg = self.state.create_message(
            channel,
            self.state.acting.user,
            data,
            files,
            type=mtype,
            webhook_id=self.state.acting.application_id,
            interaction_metadata=record.metadata(),
            extra_flags=extra_flags,
        )
        record.original_message_id = msg.id
        return msg

    async def execute_webhook(self, request: web.Request) -> web.StreamResponse:
        info = request.match_info
        record = self._record_by_token(info["webhook_id"], info["webhook_token"])
        if not record.acknowledged:
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        payload, files = await self._body(request)
        check_message(payload, file_count=len(files), operation=None)
        channel = self.state.channel(record.channel_id)
        loading = record.original
        if (
            record.callback_type == DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            and loading is not None
            and loading.flags & FLAG_LOADING
        ):
            # Documented legacy behaviour: the first follow-up after a deferred response
            # edits the "thinking" message instead of creating one (its ephemerality stays).
            payload = {k: v for k, v in payload.items() if k != "flags"}
            self.state.edit_message(loading, payload, files)
            record.followup_ids.append(loading.id)
            if request.query.get("wait") in ("true", "True", "1"):
                return json_response(loading.to_dict(self.state))
            return web.Response(status=204)
        msg = self.state.create_message(
            channel,
            self.state.acting.user,
            payload,
            files,
            webhook_id=self.state.acting.application_id,
            interaction_metadata=record.metadata(),
        )
        record.followup_ids.append(msg.id)
        if request.query.get("wait") in ("true", "True", "1"):
            return json_response(msg.to_dict(self.state))
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request) -> tuple[InteractionRecord, Message, bool]:
        info = request.match_info
        record = self._record_by_token(info["webhook_id"], info["webhook_token"])
        mid = info["message_id"]
        if mid == "@original":
            msg = record.original
            if msg is None:
                raise not_found(UNKNOWN_MESSAGE, "Message")
            return record, msg, True
        try:
            wanted = int(mid)
        except ValueError:
            raise not_found(UNKNOWN_MESSAGE, "Message") from None
        if wanted == record.original_message_id and record.original is not None:
            return record, record.original, True
        if wanted not in record.followup_ids or wanted not in self.state.messages:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return record, self.state.messages[wanted], False

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        _, msg, _ = self._webhook_message(request)
        return json_response(msg.to_dict(self.state))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record, msg, is_original = self._webhook_message(request)
        payload, files = await self._body(request)
        check_message(payload, file_count=len(files), operation=None, require_body=False)
        if is_original:
            record.original_edits.append(payload)
        self.state.edit_message(msg, payload, files)
        return json_response(msg.to_dict(self.state))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        record, msg, is_original = self._webhook_message(request)
        self.state.delete_message(msg)
        if is_original:
            record.original_deleted = True
        return web.Response(status=204)

    # -- attachments -------------------------------------------------------------------------

    async def get_attachment(self, request: web.Request) -> web.Response:
        info = request.match_info
        try:
            att = self.state.find_attachment(int(info["channel_id"]), int(info["attachment_id"]))
        except ValueError:
            att = None
        if att is None or att.filename != info["filename"]:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=att.data, content_type=att.content_type or "application/octet-stream"
        )


def _same_command(old: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = set(old) | set(new)
    keys -= {"version", "id"}
    return all(old.get(k) == new.get(k) for k in keys)
