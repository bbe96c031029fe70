"""Benchmark: time to fully publish the seed piece under the emulator's rate limits, against
the floor those limits allow.

One emulator on 127.0.0.1 with its default rate limits (bot/emulator/ratelimit.py: messages
5 per 5 s per channel or thread, edits 5 per 5 s per channel, threads 10 per 10 s per parent
channel, interaction webhook edits 5 per 2 s per token, any other route 50 per second, and
50 bot-token requests per second overall). The real ``CounterpointBot`` (SQLite store in a
temporary directory) is started once; a moderator then runs ``/piece post`` for the seed
(``../shared/corpus/seed_op_ed.txt`` beside the repository, else
``bot/samples/city_bike_lanes.txt``, served by a local site) into a fresh text channel, three
times per network latency (a fresh channel each, so every repetition starts with empty
channel buckets).

Network latency (``--latency-ms``, default 0 and 50): the emulator adds that much to every
REST round trip (half before it sees a request, half before its answer leaves), as a Discord
that is not on loopback would; the piece's own site stays local. At 0 ms the bot, the
emulator and the replaying client share one event loop on a loaded CPU, so that figure
measures CPU more than rate limits or round trips. The headline (``--headline-ms``, default
the last latency) is taken at 50 ms, a conservative round trip from a server to Discord's
API (the lower the latency, the more the bot's own work weighs). The JSON's top-level
figures are the headline latency's; ``by_latency_ms`` has each latency's.

Wall time of one publish (``wall_s``): from just before the command is dispatched to the
emulator receiving the last required call of publishing: the card, then per argument in
order a thread, its opening messages going out beside the next threads, and the card edit
that links every thread once they all exist (the last call is that edit or the last
opening). It includes what the bot does before the first call (reading the piece, storing
it). The time until the command's own reply says "Posted in" is printed too (``reply_s``).

The floor (``floor_s``): the least time a perfect client needs to make the publish's required
REST calls, and nothing else, under the emulator's rate limits, the emulator's own time to
serve them and the same network latency included. The required calls are the card, the
threads, the openings and the card edit exactly as the bot sent them (recorded below
discord.py's ``HTTPClient.request``: same routes, same JSON bodies byte for byte but for
fresh nonces and the new ids); the interaction callback and the progress edits of the
deferred reply are not required for the publication. After the bot has been shut down (so
no client handles the gateway events these calls cause), the calls are replayed against a
fresh text channel of the same emulator by a raw aiohttp client on warm keep-alive
connections that reads the rate-limit headers (it holds a call whose bucket it knows to be
spent until the bucket resets, paces itself to the global 50 per second, and would wait out
a 429). Each call goes as soon as what it depends on is answered: a call waits for the calls
that created any id in its route or body (a thread before its opening, the card before the
openings that link to it and before the card edit, every thread before the card edit that
links them), and what appears in one channel keeps its order there: its messages, and the
threads opened in it, which Discord announces in the channel ("started a thread"), so the
channel reads card, 1, 2, 3, 4 as the bot posts it. Everything else runs concurrently, so
the floor is the critical path, not a sum of all calls. It is timed like the wall time:
from the first call sent to the emulator receiving the last call. ``floor_s`` is the median
of ``--replays`` replays (each on its own fresh channel, a second apart so the global window
is fresh).

``publish_ratio`` = median over the repetitions of ``wall_s`` / ``floor_s`` (goal: at most
1.1).

Kept for comparison (figures of the earlier definition): ``rtt_ms``, a round trip through
the bot's own discord.py client (sequential ``GET /users/@me``); ``floor_rtt_s``, the
required calls plus the interaction callback one after the other at ``rtt_ms`` each under the
emulator's fixed windows, and ``limits_floor_s`` the limits alone at zero latency;
``publish_ratio_rtt`` = wall / ``floor_rtt_s``; ``publish_ratio_all_calls`` uses that
sequential model over every call the bot made, progress edits included.

    .venv/bin/python bench/publish.py [--repeat 3] [--replays 5] [--piece PATH]
                                      [--latency-ms 0,50] [--headline-ms 50]

Prints the figures; the last line is one JSON object with ``publish_ratio`` and the raw
figures.

    .venv/bin/python bench/publish.py --bulk [--pieces 200] [--channels 40]
                                      [--bulk-latency-ms 50] [--verbose]

``--bulk``: what a busy poll cycle leaves behind. The pieces (the seed, each under its own
URL) are queued round-robin across fresh text channels, then handed to the publisher at once
as a poll cycle hands them (``Publisher.hand_on``), at 50 ms of latency under the emulator's
default limits. Wall time: from the hand-on to the emulator receiving the last required call.
The floor is what those limits allow at that latency: the busiest bucket, or the global 50
calls a second, over the required calls the publish made (``(n - 1) // limit`` windows, as
``limits_floor``), plus the last call's round trip; never less than one piece's chain of
dependent calls (card, each thread after the previous one, the last opening). Each channel
must show its cards in the order its pieces were handed on, or the bench fails.
``bulk_ratio`` = wall / floor (goal: at most 1.2).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from discord.http import Route  # noqa: E402
from discord.utils import _to_json  # noqa: E402
from quiet import quiet_logs  # noqa: E402

from bot.client import CounterpointBot, create_bot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.emulator import Channel, Emulator, Member, RateLimiter, RequestRecord  # noqa: E402
from bot.emulator.ratelimit import GLOBAL_LIMIT, GLOBAL_WINDOW  # noqa: E402
from bot.emulator.rest import API_PREFIX  # noqa: E402
from bot.sandbox import FeedSite, sample_piece  # noqa: E402

SEED = ROOT.parent / "shared" / "corpus" / "seed_op_ed.txt"
# The network latency (REST round trip) the headline figure is taken at: a conservative
# figure for a bot reaching Discord's API over the internet (a lower one makes the ratio
# harder to meet, since the bot's own work then weighs more).
DEFAULT_LATENCY_MS = 50.0
FALLBACK = ROOT / "bot" / "samples" / "city_bike_lanes.txt"
CARD_EDIT_ROUTE = "/channels/{channel_id}/messages/{message_id}"
FINAL_REPLIES = ("Posted in", "Not posted", "Already posted", "I could not", "That is not")
TIMEOUT = 60.0
GLOBAL_KEY = ("global", "")
# The calls a publication in a text channel needs: card and openings, threads, the card edit.
REQUIRED = {("POST", "/channels/{channel_id}/messages"),
            ("POST", "/channels/{channel_id}/threads"),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}")}
SNOWFLAKE = re.compile(r"\b\d{15,20}\b")


@dataclass(frozen=True)
class Call:
    """One REST call of a publish, with the bucket it counts against."""

    route: str
    method: str
    bucket: tuple[str, str]
    limit: int
    window: float
    counts_global: bool


def calls_of(limiter: RateLimiter, requests: Sequence[RequestRecord]) -> list[Call]:
    calls = []
    for r in requests:
        rule = limiter.rule_for(r.method, r.route)
        token_route = r.route.startswith(("/interactions/", "/webhooks/"))
        calls.append(Call(r.route, r.method, (rule.name, r.major), rule.limit,
                          rule.window * limiter.scale, not token_route))
    return calls


def limits_floor(calls: Sequence[Call], scale: float) -> float:
    """Zero-latency bound: floor((n - 1) / L) * W for the busiest bucket."""
    counts = Counter(c.bucket for c in calls)
    rules = {c.bucket: (c.limit, c.window) for c in calls}
    floors = [((n - 1) // rules[key][0]) * rules[key][1] for key, n in counts.items()]
    n_global = sum(c.counts_global for c in calls)
    if n_global:
        floors.append(((n_global - 1) // GLOBAL_LIMIT) * GLOBAL_WINDOW * scale)
    return max(floors, default=0.0)


def sequential_floor(calls: Sequence[Call], rtt: float, scale: float) -> float:
    """The calls one after the other, each taking ``rtt``, under the emulator's fixed windows
    (a window opens at the first call after the previous one reset)."""
    windows: dict[tuple[str, str], tuple[float, int]] = {}  # bucket -> (reset at, used)
    now = 0.0
    for call in calls:
        keys = [(call.bucket, call.limit, call.window)]
        if call.counts_global:
            keys.append((GLOBAL_KEY, GLOBAL_LIMIT, GLOBAL_WINDOW * scale))
        # Wait until every bucket this call counts against has room.
        while True:
            wait = 0.0
            for key, limit, _window in keys:
                reset, used = windows.get(key, (0.0, 0))
                if now < reset and used >= limit:
                    wait = max(wait, reset - now)
            if wait == 0.0:
                break
            now += wait
        for key, _limit, window in keys:
            reset, used = windows.get(key, (0.0, 0))
            windows[key] = (now + window, 1) if now >= reset else (reset, used + 1)
        now += rtt
    return now


# --- what the bot sent -----------------------------------------------------------------------

@dataclass
class Sent:
    """One REST call as the bot asked discord.py to make it, and the id it created."""

    method: str
    template: str  # discord.py's route template, the emulator's too
    path: str  # below /api/v10, with the real ids
    payload: Any  # the JSON body (None without one)
    created: int | None  # the "id" of the response, if it has one


class Recorder:
    """Wraps the bot's ``HTTPClient.request`` to keep each call's route, body and result."""

    def __init__(self, bot: CounterpointBot) -> None:
        self.sent: list[Sent] = []
        inner = bot.http.request

        async def request(route: Route, **kwargs: Any) -> Any:
            # discord.py builds a new dict for every call and never changes it once sent, so
            # a reference is enough (a copy here would slow the bot down).
            payload = kwargs.get("json")
            if kwargs.get("files") or kwargs.get("form"):
                payload = None  # multipart: not replayable as JSON, and not a required call
            data = await inner(route, **kwargs)
            created = int(data["id"]) if isinstance(data, dict) and "id" in data else None
            path = urlsplit(route.url).path.removeprefix(API_PREFIX)
            self.sent.append(Sent(route.method, route.path, path, payload, created))
            return data

        bot.http.request = request  # type: ignore[method-assign]


def required_calls(sent: Sequence[Sent], channel_id: int) -> list[Sent]:
    """The publication's required calls among ``sent``: those in the channel or in a thread
    created there, on the card, thread, opening and card-edit routes."""
    ours = {channel_id}
    calls = []
    for call in sent:
        target = int(call.path.split("/")[2]) if call.path.startswith("/channels/") else None
        if (call.method, call.template) not in REQUIRED or target not in ours:
            continue
        if call.payload is None:
            raise RuntimeError(f"{call.method} {call.template} went as multipart; the replay "
                               "sends JSON only")
        calls.append(call)
        if call.template.endswith("/threads") and call.created is not None:
            ours.add(call.created)
    return calls


# --- the floor: a perfect client replays the required calls ----------------------------------

@dataclass
class _Bucket:
    remaining: int
    reset_at: float  # monotonic


@dataclass
class PerfectClient:
    """A raw aiohttp client that reads the emulator's rate-limit headers, never early."""

    session: aiohttp.ClientSession
    base: str
    token: str
    buckets: dict[tuple[str, str, str], _Bucket] = field(default_factory=dict)
    sent_at: deque[float] = field(default_factory=deque)  # the last second's sends
    limited: int = 0  # 429s received (a perfect client gets none)

    async def _acquire(self, key: tuple[str, str, str]) -> None:
        while True:
            now = time.monotonic()
            while self.sent_at and self.sent_at[0] <= now - GLOBAL_WINDOW:
                self.sent_at.popleft()
            wait = 0.0
            if len(self.sent_at) >= GLOBAL_LIMIT:
                wait = self.sent_at[0] + GLOBAL_WINDOW - now
            bucket = self.buckets.get(key)
            if bucket is not None and now >= bucket.reset_at:
                del self.buckets[key]  # a new window: the next response says how much is left
            elif bucket is not None and bucket.remaining <= 0:
                wait = max(wait, bucket.reset_at - now)
            if wait <= 0:
                if bucket is not None and key in self.buckets:
                    bucket.remaining -= 1  # this call's share, before its headers come back
                self.sent_at.append(now)
                return
            await asyncio.sleep(wait)

    def _learn(self, key: tuple[str, str, str], headers: Any) -> None:
        if "X-RateLimit-Remaining" not in headers:
            return
        remaining = int(headers["X-RateLimit-Remaining"])
        reset_at = time.monotonic() + float(headers["X-RateLimit-Reset-After"])
        bucket = self.buckets.get(key)
        if bucket is None or reset_at > bucket.reset_at + 0.005:
            self.buckets[key] = _Bucket(remaining, reset_at)
        else:
            # Answers to concurrent calls arrive in any order: keep the lowest count.
            bucket.remaining = min(bucket.remaining, remaining)

    async def call(self, method: str, template: str, path: str, body: bytes) -> Any:
        key = (method, template, path.split("/")[2])  # route + major parameter (channel)
        headers = {"Authorization": f"Bot {self.token}", "Content-Type": "application/json"}
        while True:
            await self._acquire(key)
            async with self.session.request(method, f"{self.base}{path}", data=body,
                                            headers=headers) as response:
                data = await response.json()
                self._learn(key, response.headers)
                if response.status != 429:
                    if response.status >= 300:
                        raise RuntimeError(f"replay: {method} {path} -> {response.status} {data}")
                    return data
                self.limited += 1
                retry = float(data.get("retry_after", 0.0))
                self.buckets[key] = _Bucket(0, time.monotonic() + retry)


async def replay(emu: Emulator, client: PerfectClient, calls: Sequence[Sent], old_channel: int,
                 new_channel: int) -> float:
    """Make ``calls`` in ``new_channel`` as early as their dependencies allow; seconds from
    the first call sent to the emulator receiving the last one."""
    creators = {c.created: i for i, c in enumerate(calls) if c.created is not None}
    bodies = []
    for index, call in enumerate(calls):
        payload = copy.deepcopy(call.payload)
        if isinstance(payload, dict) and isinstance(payload.get("nonce"), str):
            # A fresh nonce of the same length (the emulator dedupes on nonces).
            payload["nonce"] = f"r{new_channel}{index}"[-len(payload["nonce"]):].rjust(
                len(payload["nonce"]), "0")
        bodies.append(_to_json(payload))
    needs: list[set[int]] = []
    last_post: dict[str, int] = {}
    for index, call in enumerate(calls):
        ids = {int(m) for m in SNOWFLAKE.findall(call.path + bodies[index])}
        deps = {creators[i] for i in ids if creators.get(i, index) < index}
        if call.method == "POST" and call.template.endswith(("/messages", "/threads")):
            # Messages in one channel keep their order, and a thread opened without a starter
            # message is one in its parent: Discord announces it there ("started a thread"),
            # so the channel reads card, then each argument's thread in order.
            channel = call.path.split("/")[2]
            if channel in last_post:
                deps.add(last_post[channel])
            last_post[channel] = index
        needs.append(deps)
    new_ids: dict[str, str] = {str(old_channel): str(new_channel)}
    done = [asyncio.Event() for _ in calls]
    first = len(emu.requests)

    def rewrite(text: str) -> str:
        return SNOWFLAKE.sub(lambda m: new_ids.get(m.group(), m.group()), text)

    async def make(index: int) -> None:
        for dep in needs[index]:
            await done[dep].wait()
        call = calls[index]
        data = await client.call(call.method, call.template, rewrite(call.path),
                                 rewrite(bodies[index]).encode())
        if call.created is not None:
            new_ids[str(call.created)] = str(data["id"])
        done[index].set()

    started = time.time()
    await asyncio.gather(*(make(i) for i in range(len(calls))))
    arrived = [r.at for r in emu.requests[first:]]
    if len(arrived) < len(calls):
        raise RuntimeError("the emulator did not see every replayed call")
    return max(arrived) - started


async def floor_of(emu: Emulator, guild: Any, calls: Sequence[Sent], old_channel: int,
                   replays: int, label: str) -> tuple[float, list[float], int]:
    """Median seconds over ``replays`` replays of ``calls``, each in a fresh text channel."""
    times: list[float] = []
    limited = 0
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        for n in range(replays):
            channel = guild.add_text_channel(f"{label}-floor-{n + 1}")
            client = PerfectClient(session, emu.rest_url, emu.token)
            # Warm as many keep-alive connections as calls can run at once, then let the
            # global window those requests opened close.
            await asyncio.gather(*(client.call("GET", "/users/@me", "/users/@me", b"")
                                   for _ in range(len(calls))))
            await asyncio.sleep(GLOBAL_WINDOW * emu.limiter.scale + 0.05)
            client.sent_at.clear()
            times.append(await replay(emu, client, calls, old_channel, channel.id))
            limited += client.limited
    return statistics.median(times), times, limited


# --- one publish -----------------------------------------------------------------------------

@dataclass
class Publish:
    wall_s: float
    reply_s: float
    reply: str
    requests: list[RequestRecord]  # from the command to the card edit, inclusive
    retried: int  # 429s in that window
    read_s: float  # from the command to the card's POST: reading and storing the piece
    pause_s: float  # the longest gap between two consecutive calls in the window
    pause_after: str  # the call before that gap


async def publish_once(emu: Emulator, moderator: Member, channel: Channel, url: str) -> Publish:
    first = len(emu.requests)
    started = time.time()
    record = await emu.run_slash_command(moderator, channel, "piece post",
                                         {"url": url, "channel": channel})
    major = f"channel:{channel.id}"

    def card_edit() -> int | None:
        for index in range(first, len(emu.requests)):
            r = emu.requests[index]
            if (r.method == "PATCH" and r.route == CARD_EDIT_ROUTE and r.major == major
                    and 200 <= r.status < 300):
                return index
        return None

    def reply() -> str:
        original = record.original
        return (original.content or "") if original is not None else ""

    await record.wait_for(lambda _: reply().startswith(FINAL_REPLIES), TIMEOUT)
    replied = time.time()
    if not reply().startswith("Posted in"):
        raise RuntimeError(f"the piece was not posted: {reply()}")
    if card_edit() is None:
        raise RuntimeError("the piece was posted without the card edit linking its threads")
    # Publishing is done when the emulator has received its last required call: the card
    # edit or the last opening, which go out concurrently.
    ours = {channel.id, *(t.id for t in emu.threads(channel))}
    last = max(index for index in range(first, len(emu.requests))
               if _required(emu.requests[index], ours))
    window = emu.requests[first:last + 1]
    card = next(r for r in window if r.method == "POST" and r.major == major)
    gaps = [(b.at - a.at, a) for a, b in itertools.pairwise(window)]
    pause, before = max(gaps, key=lambda g: g[0])
    nth = sum(1 for r in window[:window.index(before) + 1] if r.route == before.route)
    return Publish(window[-1].at - started, replied - started, reply(),
                   [r for r in window if r.status != 429], sum(r.status == 429 for r in window),
                   card.at - started, pause, f"call {nth} of {before.method} {before.route}")


def _required(request: RequestRecord, channels: set[int]) -> bool:
    """A required call of the publish in one of ``channels`` (its channel and threads)."""
    return ((request.method, request.route) in REQUIRED and 200 <= request.status < 300
            and request.major.startswith("channel:")
            and int(request.major.removeprefix("channel:")) in channels)


async def round_trip(bot: CounterpointBot, count: int) -> float:
    """Seconds for ``count`` sequential ``GET /users/@me`` through the bot's HTTP client."""
    started = time.perf_counter()
    for _ in range(count):
        await bot.http.request(Route("GET", "/users/@me"))
    return time.perf_counter() - started


# --- the run ---------------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def running_bot(emu: Emulator, settings: Settings) -> AsyncIterator[CounterpointBot]:
    """The real bot on ``emu`` for the block, once it has resumed its unfinished pieces; after
    it, whatever happened, the latency back to 0, the bot closed and discord.py pointed back."""
    pointer = emu.point_discord_py_here()
    bot = create_bot(settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(emu.token), name="counterpoint")
    try:
        await asyncio.wait_for(asyncio.shield(bot.resumed.wait()), TIMEOUT)
        yield bot
    finally:
        emu.set_latency(0)
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        pointer.restore()


def describe(calls: Sequence[Call]) -> str:
    counts = Counter(f"{c.method} {c.route}" for c in calls)
    return ", ".join(f"{n} × {name}" for name, n in counts.items())


async def main(args: argparse.Namespace) -> dict[str, Any]:
    quiet_logs()
    path = args.piece or (SEED if SEED.exists() else FALLBACK)
    latencies: list[float] = args.latency_ms
    headline = args.headline_ms if args.headline_ms is not None else latencies[-1]
    if headline not in latencies:
        raise SystemExit(f"--headline-ms {headline:g} is not among --latency-ms")
    emu = await Emulator().start()
    guild = emu.add_guild("Bench Club")
    # One fresh channel per publish, so every repetition starts with empty channel buckets.
    plan = [(latency, guild.add_text_channel(f"debates-{latency:g}ms-{i + 1}"))
            for latency in latencies for i in range(args.repeat)]
    moderator = guild.add_member("moderator", permissions=["ADMINISTRATOR"])
    piece = sample_piece(path)
    site = await FeedSite([piece]).start()
    runs: list[dict[str, Any]] = []
    required: list[list[Sent]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="counterpoint-bench-") as folder:
            settings = Settings.from_env(
                {"COUNTERPOINT_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                 "DISCORD_TOKEN": emu.token, "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true",
                 "COUNTERPOINT_LOG_LEVEL": "WARNING"}, dotenv=None)
            async with running_bot(emu, settings) as bot:
                recorder = Recorder(bot)
                for latency, channel in plan:
                    # Start each repetition with the global window and the bot idle.
                    await asyncio.sleep(1.2)
                    emu.set_latency(latency / 1000)
                    recorded = len(recorder.sent)
                    done = await publish_once(emu, moderator, channel, site.page_url(piece))
                    required.append(required_calls(recorder.sent[recorded:], channel.id))
                    everything = calls_of(emu.limiter, done.requests)
                    needed = [c for c in everything if not c.route.startswith("/webhooks/")]
                    await asyncio.sleep(1.2)
                    rtt = statistics.median(
                        [await round_trip(bot, len(needed)) for _ in range(3)]) / len(needed)
                    emu.set_latency(0)
                    scale = emu.limiter.scale
                    runs.append({
                        "latency_ms": latency,
                        "wall_s": round(done.wall_s, 4),
                        "reply_s": round(done.reply_s, 4),
                        "calls": len(required[-1]),
                        "calls_all": len(everything),
                        "retried_429": done.retried,
                        "read_s": round(done.read_s, 4),
                        "longest_pause_s": round(done.pause_s, 4),
                        "longest_pause_after": done.pause_after,
                        "rtt_ms": round(rtt * 1000, 3),
                        "limits_floor_s": limits_floor(needed, scale),
                        "floor_rtt_s": round(sequential_floor(needed, rtt, scale), 4),
                        "limits_floor_all_s": limits_floor(everything, scale),
                        "floor_all_s": round(sequential_floor(everything, rtt, scale), 4),
                    })
        # The floor, with the bot gone: nothing but the perfect client talks to the emulator,
        # at the same network latency as the publish it is the floor of.
        for index, (run, calls, (latency, channel)) in enumerate(
                zip(runs, required, plan, strict=True), start=1):
            emu.set_latency(latency / 1000)
            try:
                floor, times, limited = await floor_of(emu, guild, calls, channel.id,
                                                       args.replays, f"replay-{index}")
            finally:
                emu.set_latency(0)
            run["floor_s"] = round(floor, 5)
            run["floor_replays_s"] = [round(t, 5) for t in times]
            run["floor_429"] = limited
            run["ratio"] = round(run["wall_s"] / floor, 3)
            run["ratio_rtt"] = round(run["wall_s"] / run["floor_rtt_s"], 2)
            run["ratio_all_calls"] = round(run["wall_s"] / run["floor_all_s"], 3)
            print(f"publish {index} at {latency:g} ms: {run['wall_s'] * 1000:.1f} ms to the last "
                  f"required call ({run['reply_s'] * 1000:.1f} ms to the reply; "
                  f"{run['read_s'] * 1000:.1f} ms of it before the card); required calls: "
                  f"{describe_sent(calls)}; floor {run['floor_s'] * 1000:.2f} ms (replays "
                  f"{min(times) * 1000:.2f}-{max(times) * 1000:.2f} ms, {limited} × 429): "
                  f"ratio {run['ratio']:.2f}")
            print(f"    earlier definition: round trip {run['rtt_ms']:.2f} ms, sequential "
                  f"floor {run['floor_rtt_s'] * 1000:.2f} ms, ratio {run['ratio_rtt']:.2f}; "
                  f"with the {run['calls_all'] - len(calls) - 1} progress edits: "
                  f"{run['floor_all_s']:.3f} s, ratio {run['ratio_all_calls']:.3f}; longest "
                  f"pause between calls {run['longest_pause_s'] * 1000:.1f} ms, after "
                  f"{run['longest_pause_after']}")
    finally:
        await site.stop()
        await emu.stop()

    def summary(latency: float) -> dict[str, Any]:
        these = [r for r in runs if r["latency_ms"] == latency]
        return {key: statistics.median(r[source] for r in these) for key, source in (
            ("publish_ratio", "ratio"), ("wall_s", "wall_s"), ("floor_s", "floor_s"),
            ("reply_s", "reply_s"), ("read_s", "read_s"),
            ("publish_ratio_rtt", "ratio_rtt"), ("publish_ratio_all_calls", "ratio_all_calls"))}

    by_latency = {f"{latency:g}": summary(latency) for latency in latencies}
    for latency in latencies:
        figures = by_latency[f"{latency:g}"]
        print(f"at {latency:g} ms: median wall {figures['wall_s'] * 1000:.1f} ms against a floor "
              f"of {figures['floor_s'] * 1000:.2f} ms: publish_ratio "
              f"{figures['publish_ratio']:.2f}")
    result: dict[str, Any] = {
        "piece": path.name,
        "arguments": len(emu.threads(plan[0][1])),
        "latency_ms": headline,
        **by_latency[f"{headline:g}"],
        "by_latency_ms": by_latency,
        "runs": runs,
    }
    print(f"{path.name}: {result['arguments']} threads; at {headline:g} ms of network latency "
          f"publish_ratio {result['publish_ratio']:.2f} (goal: at most 1.1)")
    if math.isnan(result["publish_ratio"]):
        raise RuntimeError("no publish was measured")
    return result



# ------------------------------------------------------------------------------ --bulk


async def bulk(args: argparse.Namespace) -> dict[str, Any]:
    """``--bulk``: ``--pieces`` pieces queued across ``--channels`` text channels, handed to
    the publisher at once as a poll cycle hands them (``Publisher.hand_on``), at
    ``--bulk-latency-ms``; the wall time against the floor the emulator's limits allow."""
    from dataclasses import replace

    from bot.pipeline import read_file, split

    quiet_logs()
    path = args.piece or (SEED if SEED.exists() else FALLBACK)
    latency = args.bulk_latency_ms / 1000
    emu = await Emulator().start()
    guild = emu.add_guild("Bench Club")
    channels = [guild.add_text_channel(f"bulk-{n + 1}") for n in range(args.channels)]
    piece = await split(read_file(path))
    try:
        with tempfile.TemporaryDirectory(prefix="counterpoint-bench-") as folder:
            settings = Settings.from_env(
                {"COUNTERPOINT_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                 "DISCORD_TOKEN": emu.token, "COUNTERPOINT_LOG_LEVEL": "WARNING"},
                dotenv=None)
            async with running_bot(emu, settings) as bot:
                # Queued as a poll cycle queues them: channel after channel, round after
                # round, each with its own URL (a channel takes a URL once).
                handed: list[tuple[int, int]] = []
                urls: dict[int, list[str]] = {c.id: [] for c in channels}
                for n in range(args.pieces):
                    channel = channels[n % len(channels)]
                    url = f"https://bench.example/pieces/{n}"
                    record = await bot.publisher.queue(guild.id, channel.id,
                                                       replace(piece, url=url), url=url)
                    assert record is not None
                    handed.append((record.id, channel.id))
                    urls[channel.id].append(url)
                if args.lanes:
                    # For comparison: fewer channels at a time (1: one piece at a time, as a
                    # poll cycle published before pieces were handed on).
                    bot.publisher._lane_gate = asyncio.Semaphore(args.lanes)
                outcomes: Counter[str] = Counter()
                bot.publisher.on_result = lambda result: outcomes.update([result.outcome])
                await asyncio.sleep(1.2)  # a fresh global window
                emu.set_latency(latency)
                first = len(emu.requests)
                started = time.time()
                bot.publisher.hand_on(handed)
                await asyncio.wait_for(bot.publisher.drain(), 3600)
                emu.set_latency(0)
                window = emu.requests[first:]
        ours = {c.id for c in channels} | {t.id for c in channels for t in emu.threads(c)}
        required = [r for r in window if _required(r, ours)]
        wall = max(r.at for r in required) - started
        if args.verbose:
            for r in window:
                print(f"  {r.at - started:7.3f} {r.status} {r.method} {r.route} {r.major}")
        # Each channel reads its pieces in the order they were handed on.
        in_order = all(
            [m.embeds[0].get("url") for m in emu.messages(c) if m.embeds] == urls[c.id]
            for c in channels)
        if not in_order:
            raise RuntimeError("a channel's pieces went out of order")
        calls = calls_of(emu.limiter, required)
        # The floor: the busiest bucket (or the global limit) at zero latency, plus the last
        # call's own round trip; never less than one piece's chain of dependent calls (card,
        # each thread after the last, then the last opening or the card edit).
        chain = 2 + sum(1 for _ in piece.arguments)
        floor = max(limits_floor(calls, emu.limiter.scale) + latency, chain * latency)
        counts = Counter(c.bucket for c in calls)
        busiest = max(counts, key=lambda key: counts[key])
        retried = sum(r.status == 429 for r in window)
    finally:
        await emu.stop()
    ratio = wall / floor
    print(f"bulk: {args.pieces} pieces in {args.channels} channels at {latency * 1000:g} ms: "
          f"{len(required)} required calls in {wall:.2f} s ({retried} × 429); floor "
          f"{floor:.2f} s (global {sum(c.counts_global for c in calls)} calls; busiest bucket "
          f"{busiest} with {counts[busiest]}); outcomes {dict(outcomes)}; each channel's "
          f"pieces in order: {in_order}")
    return {"bulk_ratio": round(ratio, 3), "wall_s": round(wall, 3), "floor_s": round(floor, 3),
            "pieces": args.pieces, "channels": args.channels, "latency_ms": latency * 1000,
            "calls": len(required), "retried_429": retried, "in_order": in_order,
            "outcomes": dict(outcomes)}


def _latencies(text: str) -> list[float]:
    values = [float(part) for part in text.split(",") if part.strip()]
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError("give latencies in ms, e.g. 0,50")
    return values


def describe_sent(calls: Sequence[Sent]) -> str:
    counts = Counter(f"{c.method} {c.template}" for c in calls)
    return ", ".join(f"{n} × {name}" for name, n in counts.items())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replays", type=int, default=5,
                        help="replays of the required calls per publish; the floor is their "
                             "median")
    parser.add_argument("--piece", type=Path, help="a text or HTML file to publish instead")
    parser.add_argument("--latency-ms", type=_latencies, default=[0.0, DEFAULT_LATENCY_MS],
                        help="comma-separated network latencies (REST round trip, ms) to "
                             "measure at (default: 0,50)")
    parser.add_argument("--headline-ms", type=float, default=None,
                        help="the latency whose figures head the JSON (default: the last)")
    parser.add_argument("--bulk", action="store_true",
                        help="many pieces across many channels, handed on at once")
    parser.add_argument("--pieces", type=int, default=200)
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--bulk-latency-ms", type=float, default=DEFAULT_LATENCY_MS)
    parser.add_argument("--verbose", action="store_true", help="--bulk: every call, timed")
    parser.add_argument("--lanes", type=int, default=0,
                        help="--bulk: channels published at a time (default: the bot's)")
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(bulk(arguments) if arguments.bulk else main(arguments))))
