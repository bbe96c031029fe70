"""The v10 gateway over an aiohttp websocket: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats,
RESUME with replay, INVALID_SESSION, zlib-stream transport compression, dispatches.

Sessions outlive connections so a dropped socket can RESUME: every dispatch is numbered and
kept (up to a bound) per session, and a RESUME replays those after the client's last ``seq``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .state import INTENT_GUILD_MEMBERS, INTENT_GUILDS, BotIdentity

if TYPE_CHECKING:
    from .state import State

# Opcodes (Discord's "Gateway Opcodes").
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Close codes (Discord's "Gateway Close Event Codes").
CLOSE_UNKNOWN_ERROR = 4000
CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_SEQ = 4007
CLOSE_SESSION_TIMED_OUT = 4009
# Closes after which Discord's docs say to IDENTIFY anew: the session is gone.
SESSION_ENDING_CLOSES = frozenset({CLOSE_INVALID_SEQ, CLOSE_SESSION_TIMED_OUT})

# How many dispatches a session keeps for RESUME; older ones force a fresh IDENTIFY.
REPLAY_LIMIT = 5000


@dataclass
class GatewayFrame:
    """One frame in the gateway log (``direction`` is "send" or "recv")."""

    direction: str
    op: int | None
    t: str | None
    s: int | None
    session_id: str | None
    at: float = field(default_factory=time.time)
    d: Any = None


class Connection:
    """One websocket; frames go through a queue so sends keep order and never interleave."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        transport: asyncio.BaseTransport | None,
        compress: bool,
        on_send: Callable[[dict[str, Any]], None],
    ) -> None:
        self.ws = ws
        self.transport = transport
        self.compress = compress
        self._z = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._on_send = on_send
        self.session: GatewaySession | None = None
        self.closed_by_server = False
        self.writer = asyncio.create_task(self._write())

    def send(self, frame: dict[str, Any]) -> None:
        self._queue.put_nowait(("frame", frame))

    def close(self, code: int, message: str = "") -> None:
        """Close after the frames already queued have gone out."""
        self.closed_by_server = True
        self._queue.put_nowait(("close", (code, message)))

    def abort(self) -> None:
        """Drop the TCP connection without a close frame, like a network failure."""
        self.closed_by_server = True
        if isinstance(self.transport, asyncio.Transport):
            self.transport.abort()
        self.stop()

    def stop(self) -> None:
        if not self.writer.done():
            self._queue.put_nowait(("stop", None))

    async def _write(self) -> None:
        while True:
            kind, item = await self._queue.get()
            if kind == "stop":
                return
            if kind == "close":
                code, message = item
                with contextlib.suppress(Exception):
                    await self.ws.close(code=code, message=message.encode())
                return
            if self.ws.closed:
                continue
            text = json.dumps(item, separators=(",", ":"))
            try:
                if self._z is not None:
                    # zlib-stream: one shared context, each message ends on a Z_SYNC_FLUSH.
                    data = self._z.compress(text.encode()) + self._z.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return
            self._on_send(item)


class GatewaySession:
    def __init__(self, session_id: str, bot: BotIdentity, intents: int, shard: tuple[int, int]):
        self.id = session_id
        #: The bot that identified: events for its application only go to its sessions.
        self.bot = bot
        self.token = bot.token
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.buffer: deque[dict[str, Any]] = deque(maxlen=REPLAY_LIMIT)
        self.conn: Connection | None = None
        self.valid = True

    def owns_guild(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard[0] == 0
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        frame = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append(frame)
        if self.conn is not None:
            self.conn.send(frame)
        return self.seq


class Gateway:
    def __init__(self, state: State, *, heartbeat_interval_ms: int = 41250) -> None:
        self.state = state
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""  # set by the emulator once the port is known
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[Connection] = set()
        self.log: list[GatewayFrame] = []
        self.identifies = 0
        self.resumes = 0
        self.invalid_sessions = 0
        self.changed: Callable[[], None] = lambda: None
        #: New connections wait here before HELLO while it is set and not released.
        self.hold: asyncio.Event | None = None
        #: Ids of the INTERACTION_CREATE dispatches written to a live connection: what the
        #: client received (a dispatch to an ended session never is).
        self.delivered_interactions: set[int] = set()
        #: Interaction id → the shard ``(id, count)`` of each session it was written to, in
        #: order: one entry per delivery, so a test sees an interaction reach two processes.
        self.interaction_shards: dict[int, list[tuple[int, int]]] = {}

    # -- observation -------------------------------------------------------------------------

    def sent(self, event: str | None = None, *, op: int | None = None) -> list[GatewayFrame]:
        """Frames the emulator sent, optionally only dispatches named ``event`` or an ``op``."""
        return [
            f
            for f in self.log
            if f.direction == "send"
            and (event is None or f.t == event)
            and (op is None or f.op == op)
        ]

    def received(self, op: int | None = None) -> list[GatewayFrame]:
        return [f for f in self.log if f.direction == "recv" and (op is None or f.op == op)]

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.valid and s.conn is not None]

    # -- dispatch ----------------------------------------------------------------------------

    def dispatch_to_bot(self, bot: BotIdentity, event: str, data: dict[str, Any],
                        guild_id: int) -> None:
        """Send ``event`` about ``guild_id`` to ``bot``'s sessions only (its joining or
        leaving the guild: GUILD_CREATE / GUILD_DELETE)."""
        for session in self.sessions.values():
            if session.valid and session.bot is bot and session.owns_guild(guild_id) \
                    and session.intents & INTENT_GUILDS:
                session.dispatch(event, data)

    def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None, intent: int) -> None:
        """Send ``event`` to every valid session that owns the guild and asked for the intent
        (intent 0: always sent, as INTERACTION_CREATE is). An interaction goes to the
        sessions of the application it was sent to, and no other bot's."""
        application = data.get("application_id") if event == "INTERACTION_CREATE" else None
        guild = self.state.guilds.get(guild_id) if guild_id is not None else None
        for session in self.sessions.values():
            if not session.valid or not session.owns_guild(guild_id):
                continue
            if guild is not None and session.bot.user.id not in guild.members:
                continue  # a bot removed from a guild hears nothing more of it
            if intent and not session.intents & intent:
                continue
            if application is not None and application != str(session.bot.application_id):
                continue
            session.dispatch(event, data)

    async def drop(self, *, code: int = CLOSE_UNKNOWN_ERROR, abrupt: bool = False,
                   resumable: bool | None = None) -> int:
        """Close every live connection; returns how many. The sessions stay resumable unless
        ``resumable`` is False or, by default, ``code`` is one after which Discord ends the
        session (then a RESUME is refused and the client must IDENTIFY again)."""
        if resumable is None:
            resumable = code not in SESSION_ENDING_CLOSES
        conns = list(self.connections)
        for conn in conns:
            if conn.session is not None:
                if not resumable:
                    conn.session.valid = False
                conn.session.conn = None
            if abrupt:
                conn.abort()
            else:
                conn.close(code, "emulator dropped the connection")
        for conn in conns:
            with contextlib.suppress(Exception):
                await conn.writer
        return len(conns)

    def request_reconnect(self) -> int:
        """Send op 7 RECONNECT on every live connection (the client should RESUME)."""
        conns = [c for c in self.connections if c.session is not None]
        for conn in conns:
            conn.send({"op": OP_RECONNECT, "d": None, "s": None, "t": None})
        return len(conns)

    def invalidate_sessions(self, *, resumable: bool = False) -> int:
        """Send op 9 INVALID_SESSION on live connections; unless ``resumable``, the sessions
        end, so the client must IDENTIFY afresh."""
        conns = [c for c in self.connections if c.session is not None]
        for conn in conns:
            assert conn.session is not None
            if not resumable:
                conn.session.valid = False
            self.invalid_sessions += 1
            conn.send({"op": OP_INVALID_SESSION, "d": resumable, "s": None, "t": None})
        return len(conns)

    async def close_all(self) -> None:
        for session in self.sessions.values():
            session.valid = False
        for conn in list(self.connections):
            conn.close(1001, "emulator stopping")
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.writer, 5)

    # -- the socket --------------------------------------------------------------------------

    def _record_send(self, frame: dict[str, Any], conn: Connection) -> None:
        sid = conn.session.id if conn.session else None
        if frame.get("t") == "INTERACTION_CREATE":
            self.delivered_interactions.add(int(frame["d"]["id"]))
            if conn.session is not None:
                self.interaction_shards.setdefault(int(frame["d"]["id"]), []).append(
                    conn.session.shard)
        d = frame.get("d") if frame.get("op") != OP_DISPATCH else None
        self.log.append(
            GatewayFrame("send", frame.get("op"), frame.get("t"), frame.get("s"), sid, d=d)
        )
        if frame.get("t") in ("READY", "RESUMED") or frame.get("op") == OP_INVALID_SESSION:
            self.changed()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        if self.hold is not None and not self.hold.is_set():
            await self.hold.wait()  # a held reconnect (TestAPI.hold_gateway)
        compress = request.query.get("compress") == "zlib-stream"
        holder: list[Connection] = []
        conn = Connection(
            ws, request.transport, compress, lambda frame: self._record_send(frame, holder[0])
        )
        holder.append(conn)
        self.connections.add(conn)
        conn.send(
            {
                "op": OP_HELLO,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                "s": None,
                "t": None,
            }
        )
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    payload = json.loads(msg.data)
                    op = payload["op"]
                except (ValueError, KeyError, TypeError):
                    conn.close(CLOSE_DECODE_ERROR, "Error while decoding payload.")
                    break
                sid = conn.session.id if conn.session else None
                self.log.append(GatewayFrame("recv", op, None, None, sid, d=_redact(payload)))
                if not self._handle_op(conn, op, payload.get("d")):
                    break
        finally:
            self.connections.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # A client that closes normally ends its session (Discord does the same).
                if not conn.closed_by_server and ws.close_code in (1000, 1001):
                    session.valid = False
            if conn.closed_by_server:
                # Let the queued close go out with its code before aiohttp closes with 1000.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(conn.writer), 5)
            conn.stop()
            self.changed()
        return ws

    def _handle_op(self, conn: Connection, op: int, d: Any) -> bool:
        """Act on one client frame; False ends the read loop."""
        if op == OP_HEARTBEAT:
            conn.send({"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            return True
        if op == OP_IDENTIFY:
            return self._identify(conn, d or {})
        if op == OP_RESUME:
            return self._resume(conn, d or {})
        if conn.session is None:
            conn.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated.")
            return False
        if op == OP_REQUEST_GUILD_MEMBERS:
            self._guild_members(conn.session, d or {})
            return True
        if op in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE):
            return True
        conn.close(CLOSE_UNKNOWN_OPCODE, "Unknown opcode.")
        return False

    def _bot(self, token: Any) -> BotIdentity | None:
        return self.state.bot_for_token(token) if isinstance(token, str) else None

    def _identify(self, conn: Connection, d: dict[str, Any]) -> bool:
        if conn.session is not None:
            conn.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.")
            return False
        bot = self._bot(d.get("token"))
        if bot is None:
            conn.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
            return False
        shard_raw = d.get("shard") or [0, 1]
        shard = (int(shard_raw[0]), int(shard_raw[1]))
        if shard[1] < 1 or not 0 <= shard[0] < shard[1]:
            conn.close(CLOSE_INVALID_SHARD, "Invalid shard.")
            return False
        session = GatewaySession(secrets.token_hex(16), bot, int(d.get("intents", 0)), shard)
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        self.identifies += 1
        with self.state.acting_as(bot):
            self._ready(session)
        return True

    def _ready(self, session: GatewaySession) -> None:
        """READY and the GUILD_CREATEs after it, as the session's bot sees them."""
        shard = session.shard
        state = self.state
        guilds = [g for g in state.guilds.values()
                  if session.owns_guild(g.id) and session.bot.user.id in g.members]
        user = state.acting.user.to_dict() | {
            "verified": True,
            "mfa_enabled": False,
            "email": None,
        }
        session.dispatch(
            "READY",
            {
                "v": 10,
                "user": user,
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.url,
                "shard": list(shard),
                "application": {"id": str(state.acting.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "auth": {},
            },
        )
        if session.intents & INTENT_GUILDS:
            all_members = bool(session.intents & INTENT_GUILD_MEMBERS)
            for guild in guilds:
                session.dispatch("GUILD_CREATE", guild.to_create_payload(all_members=all_members))

    def _resume(self, conn: Connection, d: dict[str, Any]) -> bool:
        session = self.sessions.get(str(d.get("session_id")))
        seq = d.get("seq")
        oldest = session.buffer[0]["s"] if session and session.buffer else 1
        if (
            session is None
            or not session.valid
            or self._bot(d.get("token")) is not session.bot
            or (isinstance(seq, int) and seq < oldest - 1)
        ):
            self.invalid_sessions += 1
            conn.send({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return True
        if session.conn is not None and session.conn is not conn:
            session.conn.close(CLOSE_UNKNOWN_ERROR, "Session resumed elsewhere.")
        last = seq if isinstance(seq, int) else 0
        for frame in session.buffer:
            if frame["s"] > last:
                conn.send(frame)
        session.conn = conn
        conn.session = session
        self.resumes += 1
        session.dispatch("RESUMED", {})
        return True

    def _guild_members(self, session: GatewaySession, d: dict[str, Any]) -> None:
        guild = self.state.guilds.get(int(d.get("guild_id", 0)))
        if guild is None:
            return
        members = list(guild.members.values())
        if d.get("user_ids"):
            wanted = {int(u) for u in d["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif d.get("query"):
            members = [m for m in members if m.user.username.startswith(d["query"])]
        if d.get("limit"):
            members = members[: int(d["limit"])]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_dict() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)


def _redact(payload: dict[str, Any]) -> dict[str, Any]:
    """The received frame for the log, without the token."""
    d = payload.get("d")
    if isinstance(d, dict) and "token" in d:
        return payload | {"d": d | {"token": "<redacted>"}}
    return payload
