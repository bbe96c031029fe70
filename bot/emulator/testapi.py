"""What tests call: simulate members (slash commands, buttons, selects, modals), read back what
the bot did, wait on state changes, and switch faults on.

Every waiter is driven by an ``asyncio.Condition`` the emulator notifies on each state change
(REST call, gateway session event, builder call); nothing here sleeps to poll.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from . import permissions as perms
from .interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    PATIENCE,
    InteractionRecord,
    base_payload,
    component_data,
    message_command_data,
    modal_components,
    new_token,
    slash_data,
)
from .models import Channel, Member, Message, Overwrite, Role, Thread, _id
from .state import SYSTEM_TYPES, BotIdentity

if TYPE_CHECKING:
    from .gateway import Gateway
    from .ratelimit import EarlyRequest, RateLimiter
    from .rest import RequestRecord, RestApi
    from .state import State

T = TypeVar("T")


def _method(method: str | None) -> str | None:
    return method.upper() if method else None


@dataclass
class Hold:
    """Calls to one route that wait until released: see :meth:`TestAPI.hold`."""

    method: str | None = None
    skip: int = 0
    applied: bool = False
    released: asyncio.Event = field(default_factory=asyncio.Event)
    #: Matching calls seen so far, the skipped ones included.
    seen: int = 0
    #: Calls waiting at the hold right now.
    waiting: list[RequestRecord] = field(default_factory=list)

    def catches(self, method: str) -> bool:
        """Whether this call (counted here) is one to hold."""
        if self.released.is_set() or (self.method is not None and method != self.method):
            return False
        self.seen += 1
        return self.seen > self.skip


@dataclass
class Faults:
    """Pending injected failures, consumed one REST call at a time, and network conditions."""

    pending_5xx: int = 0
    status_5xx: int = 502
    #: Seconds added to every REST round trip: half before the emulator sees the request,
    #: half before the answer leaves, as if Discord were that far away (0: loopback only).
    latency: float = 0.0
    #: Route templates whose calls wait until released.
    holds: dict[str, Hold] = field(default_factory=dict)
    #: Faults aimed at one route (and method), consumed one matching call at a time.
    aimed: list[AimedFault] = field(default_factory=list)

    def take(self, kind: str, method: str, route: str) -> AimedFault | None:
        """The first fault of ``kind`` aimed at this call, one use consumed; else ``None``."""
        for fault in self.aimed:
            if fault.kind == kind and fault.left > 0 and fault.route == route \
                    and fault.method in (None, method):
                fault.left -= 1
                return fault
        return None


@dataclass
class AimedFault:
    """``left`` more calls to ``route`` (``method`` only, if given) fail as ``kind`` says:
    "5xx" answers ``status`` before Discord sees the call; "lose" carries the call out, then
    drops the connection instead of answering (Discord acted, the client never hears)."""

    kind: str
    route: str
    method: str | None
    left: int
    status: int = 502


class TestAPI:
    """Mixed into :class:`~bot.emulator.Emulator`; see the module docstring."""

    __test__ = False  # not a pytest test class despite the name

    state: State
    gateway: Gateway
    limiter: RateLimiter
    rest: RestApi
    faults: Faults
    _cond: asyncio.Condition | None
    _poke: asyncio.Event | None

    # -- resolving arguments -----------------------------------------------------------------

    def channel(self, channel: Channel | int | Any) -> Channel:
        """The emulator's channel (or thread) for a model, a discord.py object or an id."""
        return self.state.channels[_id(channel)]

    def message(self, message: Message | int | Any) -> Message:
        return self.state.messages[_id(message)]

    def _member(self, member: Member | int | Any, channel: Channel) -> Member:
        return channel.guild.members[_id(member)]

    # -- more bots ---------------------------------------------------------------------------

    def add_bot(self, name: str, *, bot_permissions: int | list[str] | None = None
                ) -> BotIdentity:
        """Another application beside the emulator's own: a bot user, an application id and
        a token of its own, in every guild. A client library connecting with ``.token`` is that
        bot (``READY`` names it, what it posts is its, its commands are its application's);
        another token is refused (REST 401, gateway close 4004)."""
        bits = None if bot_permissions is None else perms.value_of(bot_permissions)
        return self.state.add_bot(name, bot_permissions=bits)

    def as_bot(self, bot: BotIdentity) -> AbstractContextManager[BotIdentity]:
        """Inside the ``with``, simulated members' commands, clicks and forms go to ``bot``'s
        application (its registered commands, its gateway sessions) instead of the first's."""
        return self.state.acting_as(bot)

    # -- permissions -------------------------------------------------------------------------

    def _target(self, channel: Channel, target: Role | Member | int | Any | None) -> int:
        ch = channel.parent if isinstance(channel, Thread) else channel
        return ch.guild.id if target is None else _id(target)

    def deny(
        self,
        channel: Channel | int | Any,
        *names: str,
        target: Role | Member | int | Any | None = None,
    ) -> Overwrite:
        """Deny permissions in ``channel`` for ``target`` (default @everyone, which binds
        the bot too unless a role or member overwrite allows them back)."""
        return self._adjust(channel, names, target, deny=True)

    def allow(
        self,
        channel: Channel | int | Any,
        *names: str,
        target: Role | Member | int | Any | None = None,
    ) -> Overwrite:
        """Allow permissions in ``channel`` for ``target`` (default @everyone)."""
        return self._adjust(channel, names, target, deny=False)

    def deny_bot(self, channel: Channel | int | Any, *names: str) -> Overwrite:
        """Deny permissions to the bot alone, through a member overwrite."""
        return self.deny(channel, *names, target=self.state.acting.user.id)

    def _adjust(
        self,
        channel: Channel | int | Any,
        names: Sequence[str],
        target: Role | Member | int | Any | None,
        *,
        deny: bool,
    ) -> Overwrite:
        ch = self.channel(channel)
        if isinstance(ch, Thread):
            ch = ch.parent  # threads inherit their parent's overwrites
        bits = perms.value_of(list(names))
        tid = self._target(ch, target)
        old = ch.overwrites.get(tid)
        allow_bits, deny_bits = (old.allow, old.deny) if old else (0, 0)
        if deny:
            allow_bits, deny_bits = allow_bits & ~bits, deny_bits | bits
        else:
            allow_bits, deny_bits = allow_bits | bits, deny_bits & ~bits
        return ch.set_overwrite(tid, allow=allow_bits, deny=deny_bits)

    def permissions_for(self, member: Member | int | Any, channel: Channel | int | Any) -> int:
        ch = self.channel(channel)
        return ch.guild.permissions_for(member, ch)

    # -- simulated members -------------------------------------------------------------------

    def _new_record(
        self,
        itype: int,
        member: Member,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
    ) -> InteractionRecord:
        interaction_id = self.state.ids.next()
        token = new_token()
        payload = base_payload(
            self.state,
            interaction_id=interaction_id,
            token=token,
            itype=itype,
            member=member,
            channel=channel,
            data=data,
        )
        if message is not None:
            payload["message"] = message.to_dict(self.state)
        return InteractionRecord(
            emulator=self,  # type: ignore[arg-type]
            id=interaction_id,
            token=token,
            type=itype,
            payload=payload,
            channel_id=channel.id,
            member=member,
            source_message_id=message.id if message is not None else None,
        )

    def _deliver(self, record: InteractionRecord) -> InteractionRecord:
        # Never connected is a test's mistake; a session that ended (a close that is not
        # resumable) loses the interaction, as on Discord: the bot never hears of it.
        if not self.gateway.sessions:
            raise RuntimeError("no gateway session: is the bot connected to the emulator?")
        self.state.interactions[record.id] = record
        self.state.interactions_by_token[record.token] = record
        guild_id = self.channel(record.channel_id).guild_id
        self.gateway.dispatch("INTERACTION_CREATE", record.payload, guild_id, 0)
        self.notify_changed()
        return record

    async def run_slash_command(
        self,
        member: Member | int | Any,
        channel: Channel | int | Any,
        name: str | Sequence[str],
        options: Mapping[str, Any] | None = None,
    ) -> InteractionRecord:
        """``/name`` from ``member`` in ``channel``. ``name`` may be a path ("feed add" or
        ("feed", "add")). Option types come from the synced command, else from the Python
        values (str 3, int 4, bool 5, float 10, channel 7, role 8, member/user 6)."""
        ch = self.channel(channel)
        m = self._member(member, ch)
        data = slash_data(self.state, m, ch, name, options)
        return self._deliver(self._new_record(APPLICATION_COMMAND, m, ch, data))

    async def run_message_command(
        self, member: Member | int | Any, message: Message | int | Any, name: str
    ) -> InteractionRecord:
        """``member`` right-clicks ``message`` → Apps → ``name`` (a synced message command);
        the interaction comes from the message's channel."""
        msg = self.message(message)
        ch = self.channel(msg.channel_id)
        m = self._member(member, ch)
        data = message_command_data(self.state, msg, name)
        return self._deliver(self._new_record(APPLICATION_COMMAND, m, ch, data))

    async def run_autocomplete(
        self,
        member: Member | int | Any,
        channel: Channel | int | Any,
        name: str | Sequence[str],
        options: Mapping[str, Any],
        focused: str,
    ) -> InteractionRecord:
        """An autocomplete request (type 4) while ``member`` types into option ``focused``;
        the bot's type 8 answer lands in ``record.choices``."""
        ch = self.channel(channel)
        m = self._member(member, ch)
        data = slash_data(self.state, m, ch, name, options, focused=focused)
        return self._deliver(self._new_record(APPLICATION_COMMAND_AUTOCOMPLETE, m, ch, data))

    async def click_button(
        self, member: Member | int | Any, message: Message | int | Any, custom_id: str
    ) -> InteractionRecord:
        """Click the button ``custom_id`` on ``message`` (it must be on the message)."""
        return self._use_component(member, message, custom_id, None)

    async def choose(
        self,
        member: Member | int | Any,
        message: Message | int | Any,
        custom_id: str,
        values: Sequence[str],
    ) -> InteractionRecord:
        """Pick ``values`` in the select menu ``custom_id`` on ``message``."""
        return self._use_component(member, message, custom_id, values)

    def _use_component(
        self,
        member: Member | int | Any,
        message: Message | int | Any,
        custom_id: str,
        values: Sequence[str] | None,
    ) -> InteractionRecord:
        """A component interaction (type 3) on ``message``: a button, or a select's ``values``."""
        msg = self.message(message)
        ch = self.channel(msg.channel_id)
        m = self._member(member, ch)
        data = component_data(msg, custom_id, values)
        return self._deliver(self._new_record(MESSAGE_COMPONENT, m, ch, data, message=msg))

    async def submit_modal(
        self,
        member: Member | int | Any,
        channel: Channel | int | Any,
        custom_id: str,
        values: Mapping[str, str],
        message: Message | int | Any | None = None,
    ) -> InteractionRecord:
        """Submit the modal ``custom_id`` with ``{text_input_custom_id: value}``. The layout
        follows the last modal with that id the bot opened; ``message`` is the message whose
        component opened it, if any."""
        ch = self.channel(channel)
        m = self._member(member, ch)
        opener = self._modal_opener(custom_id)
        modal = opener.modal if opener is not None else None
        data = {"custom_id": custom_id, "components": modal_components(modal, values)}
        msg = self.message(message) if message is not None else None
        if msg is None and opener is not None and opener.source_message_id is not None:
            msg = self.state.messages.get(opener.source_message_id)
        record = self._new_record(MODAL_SUBMIT, m, ch, data, message=msg)
        if opener is not None:
            meta = opener.metadata()
            meta.pop("triggering_interaction_metadata", None)
            record.trigger_metadata = meta
        return self._deliver(record)

    def _modal_opener(self, custom_id: str) -> InteractionRecord | None:
        for record in reversed(list(self.state.interactions.values())):
            if record.modal is not None and record.modal.get("custom_id") == custom_id:
                return record
        return None

    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.state.interactions.values())

    # -- read back ---------------------------------------------------------------------------

    def messages(self, channel: Channel | int | Any, *, system: bool = False) -> list[Message]:
        """The channel's (or thread's) messages now, oldest first. System messages (thread
        created / thread starter) only with ``system=True``; ephemeral ones never (they are on
        the interaction record)."""
        ids = self.state.channel_messages.get(_id(channel), [])
        msgs = [self.state.messages[i] for i in ids]
        if not system:
            msgs = [m for m in msgs if m.type not in SYSTEM_TYPES]
        return msgs

    def message_history(self, message: Message | int | Any) -> list[dict[str, Any]]:
        """Every version of a message as Discord rendered it: creation, then each edit."""
        return list(self.state.histories.get(_id(message), []))

    def threads(self, parent: Channel | int | Any) -> list[Thread]:
        return self.state.threads_of(_id(parent))

    @property
    def requests(self) -> list[RequestRecord]:
        """Every REST call: method, path, route, status, bucket, timestamp, major, retry_after."""
        return self.rest.requests

    def requests_to(self, route: str, method: str | None = None) -> list[RequestRecord]:
        return [
            r
            for r in self.rest.requests
            if r.route == route and (method is None or r.method == method)
        ]

    @property
    def rate_limited(self) -> list[RequestRecord]:
        """The calls answered 429."""
        return [r for r in self.rest.requests if r.status == 429]

    @property
    def refused_bodies(self) -> list[RequestRecord]:
        """The calls refused for their body (50035 with the fields at fault in
        ``record.error``, 50006, 50109): what real Discord would have refused too. A bot
        whose requests all fit Discord's schemas and limits leaves this empty."""
        return [r for r in self.rest.requests if r.refused_body]

    @property
    def early_requests(self) -> list[EarlyRequest]:
        """Calls made before a 429's retry_after or an exhausted bucket's reset had passed:
        what a client that ignores rate limits does. A well-behaved bot leaves this empty.
        Each names the token it was made with (its bot's buckets are the ones it ignored)."""
        return list(self.limiter.early)

    # -- waiting -----------------------------------------------------------------------------

    def notify_changed(self) -> None:
        """Wake waiters; safe from sync code (the notify itself runs in a helper task)."""
        if self._poke is not None:
            self._poke.set()

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = PATIENCE,  # noqa: ASYNC109 - test API takes a timeout
    ) -> T:
        """Wait until ``predicate()`` is truthy, re-checking on every state change."""
        cond = self._cond
        if cond is None:
            raise RuntimeError("the emulator is not started")

        async def waiter() -> T:
            async with cond:
                return await cond.wait_for(predicate)

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout}s: {_described(predicate)}"
                               ) from None

    async def wait_for_message(
        self,
        channel: Channel | int | Any,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = PATIENCE,  # noqa: ASYNC109 - test API takes a timeout
    ) -> Message:
        """The first message in ``channel`` satisfying ``predicate`` (any, if None)."""
        check = predicate or (lambda _m: True)

        def find() -> Message | None:
            return next((m for m in self.messages(channel) if check(m)), None)

        found = await self.wait_for(find, timeout)
        assert found is not None
        return found

    # -- faults ------------------------------------------------------------------------------

    def inject_5xx(self, count: int, status: int = 502, *, route: str | None = None,
                   method: str | None = None) -> None:
        """Answer the next ``count`` REST calls with ``status`` (discord.py retries 500, 502,
        504 and 524 with a back-off of 1 + 2n seconds, at most 5 tries per call). With
        ``route`` (a template such as ``/channels/{channel_id}/messages/{message_id}``), only
        calls to that route fail, and only ``method`` calls if given."""
        if route is None:
            self.faults.pending_5xx += count
            self.faults.status_5xx = status
            return
        self.faults.aimed.append(AimedFault("5xx", route, _method(method), count, status))

    def force_429(self, count: int, retry_after: float = 0.1, *, route: str | None = None,
                  method: str | None = None, bot: BotIdentity | str | None = None) -> None:
        """Answer the next ``count`` REST calls 429 (per-route, with ``retry_after``); with
        ``route``, only calls to that route (and ``method``); with ``bot`` (a bot from
        :meth:`add_bot`, the emulator's own ``state.primary``, or a token), only calls acting
        for that bot: made with its token, or on the routes of an interaction sent to it.
        Only that bot's bucket is then blocked, as on Discord, where limits are per token."""
        token = bot.token if isinstance(bot, BotIdentity) else bot
        self.limiter.force_429(count, retry_after, route=route, method=_method(method),
                               token=token)

    def lose_responses(self, count: int, *, route: str, method: str | None = None) -> None:
        """Carry out the next ``count`` calls to ``route`` (and ``method``), then drop their
        connection instead of answering: Discord acted, the client sees a network failure
        and cannot tell (what a crash of the link between the two leaves)."""
        self.faults.aimed.append(AimedFault("lose", route, _method(method), count))

    def hold_gateway(self) -> asyncio.Event:
        """Hold every new gateway connection before HELLO until :meth:`release_gateway`: a
        reconnect held up, while dispatches (members' clicks) pile up for its RESUME."""
        if self.gateway.hold is None or self.gateway.hold.is_set():
            self.gateway.hold = asyncio.Event()
        return self.gateway.hold

    def release_gateway(self) -> None:
        if self.gateway.hold is not None:
            self.gateway.hold.set()

    def set_latency(self, seconds: float) -> None:
        """Make every REST round trip ``seconds`` longer, as a far-away Discord would."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self.faults.latency = seconds

    def hold(self, route: str, *, method: str | None = None, skip: int = 0,
             applied: bool = False) -> Hold:
        """Hold calls to ``route`` (a template such as ``/channels/{channel_id}/messages``;
        only ``method`` calls if given) until :meth:`release`, letting the first ``skip``
        through. Each held call is recorded in ``requests`` and listed in the hold's
        ``waiting``, so a test can wait for a client to reach a precise point.

        By default a call waits on its way in: Discord has not seen it, and should the client
        hang up meanwhile, it never will. With ``applied`` the call is carried out first and
        its answer held: Discord acted, the client has not heard back (where a crash leaves
        a step done but unrecorded).
        """
        held = Hold(method=method.upper() if method else None, skip=skip, applied=applied)
        self.faults.holds[route] = held
        return held

    def release(self, route: str) -> None:
        """Let held calls to ``route``, and every later one, through."""
        held = self.faults.holds.pop(route, None)
        if held is not None:
            held.released.set()

    async def drop_gateway(self, *, code: int = 4000, abrupt: bool = False,
                           resumable: bool | None = None) -> int:
        """Close the bot's websocket(s) (close ``code``, or a TCP abort when ``abrupt``).

        As on Discord, the sessions stay resumable and keep collecting dispatches for the
        RESUME replay, unless the code ends them (4007 invalid sequence, 4009 session timed
        out) or ``resumable`` is False: then a RESUME is answered INVALID_SESSION, the client
        must IDENTIFY afresh, and what was dispatched in between is lost to it (members see
        "This interaction failed")."""
        return await self.gateway.drop(code=code, abrupt=abrupt, resumable=resumable)

    def request_reconnect(self) -> int:
        """Gateway op 7 RECONNECT to the bot: discord.py closes and RESUMEs."""
        return self.gateway.request_reconnect()

    def invalidate_sessions(self, *, resumable: bool = False) -> int:
        """Gateway op 9 INVALID_SESSION: with ``resumable`` False the bot must re-IDENTIFY."""
        return self.gateway.invalidate_sessions(resumable=resumable)

    def archive(
        self, thread: Thread | int | Any, *, archived: bool = True, locked: bool = False
    ) -> Thread:
        """Archive (and optionally lock) a thread as a moderator or the auto-archiver would."""
        ch = self.channel(thread)
        if not isinstance(ch, Thread):
            raise TypeError(f"{ch!r} is not a thread")
        ch.archived = archived
        ch.locked = locked
        ch.archive_timestamp = time.time()
        self.state.channel_changed(ch)
        return ch


def _described(predicate: Callable[[], object]) -> str:
    """The waited-for condition as written at the call site, for the failure message."""
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
