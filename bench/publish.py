"""Benchmark: time to fully publish the seed piece under the emulator's rate limits, against
the floor those limits allow.

One emulator on 127.0.0.1 with its default rate limits (bot/emulator/ratelimit.py: messages
5 per 5 s per channel or thread, edits 5 per 5 s per channel, threads 10 per 10 s per parent
channel, interaction webhook edits 5 per 2 s per token, any other route 50 per second, and
50 bot-token requests per second overall). The real ``CounterpointBot`` (SQLite store in a
temporary directory) is started once; a moderator then runs ``/piece post`` for the seed
(``../shared/corpus/seed_op_ed.txt`` beside the repository, else
``bot/samples/city_bike_lanes.txt``, served by a local site) into a fresh text channel, three
times (three channels, so every repetition starts with empty channel buckets).

Wall time of one publish: from just before the command is dispatched to the emulator
receiving the last step of publishing, the edit of the piece card that links every thread
(card, then per argument a thread and its opening messages, then that edit). The time until
the command's own reply says "Posted in" is printed too.

The floor. The *publication's calls* are the REST calls in that window that publishing needs:
the interaction callback (the command must be answered) and every call on channel and
thread routes (card, threads, openings, card edit); calls answered 429 are left out (a
retry is the bot's cost, not the floor's), and so are the progress edits of the deferred
reply (``/webhooks/...``), which report on publishing but are not part of it. Then:

* ``limits_floor_s``: zero-latency lower bound of the limits alone: for each bucket (route
  rule + major parameter, and the global bucket) with n calls, limit L per window W,
  floor((n - 1) / L) * W; the largest over buckets.
* ``rtt_s``: a measured round trip: the same number of sequential ``GET /users/@me`` calls
  through the bot's own discord.py HTTP client, after the publish (median of three runs),
  divided by the count.
* ``floor_s``: the publication's calls replayed in their observed order, one after the other,
  each taking ``rtt_s``, each waiting whenever its bucket (or the global one) is spent until
  that window resets, exactly as the emulator's fixed windows do. When no bucket saturates
  this is n × ``rtt_s`` (the measured sequential round-trip baseline); when one does, it is
  that bucket's floor plus the round trips the limits cannot hide. It is never below
  ``limits_floor_s``.

``publish_ratio`` = median over the repetitions of wall time / ``floor_s`` (goal: at most
1.1). For comparison, ``publish_ratio_all_calls`` uses a floor computed the same way over
every call made, progress edits included: that is the floor the bot's own calls allow, not
the floor publishing needs.

    .venv/bin/python bench/publish.py [--repeat 3] [--piece PATH]

Prints the figures; the last line is one JSON object with ``publish_ratio`` and the raw
figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
from discord.http import Route  # noqa: E402

from bot.client import CounterpointBot, create_bot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.emulator import Channel, Emulator, Member, RateLimiter, RequestRecord  # noqa: E402
from bot.emulator.ratelimit import GLOBAL_LIMIT, GLOBAL_WINDOW  # noqa: E402
from bot.sandbox import FeedSite, sample_piece  # noqa: E402

SEED = ROOT.parent / "shared" / "corpus" / "seed_op_ed.txt"
FALLBACK = ROOT / "bot" / "samples" / "city_bike_lanes.txt"
CARD_EDIT_ROUTE = "/channels/{channel_id}/messages/{message_id}"
FINAL_REPLIES = ("Posted in", "Not posted", "Already posted", "I could not", "That is not")
TIMEOUT = 60.0
GLOBAL_KEY = ("global", "")


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
    last = card_edit()
    if last is None:
        raise RuntimeError("the piece was posted without the card edit linking its threads")
    window = emu.requests[first:last + 1]
    card = next(r for r in window if r.method == "POST" and r.major == major)
    gaps = [(b.at - a.at, a) for a, b in itertools.pairwise(window)]
    pause, before = max(gaps, key=lambda g: g[0])
    nth = sum(1 for r in window[:window.index(before) + 1] if r.route == before.route)
    return Publish(window[-1].at - started, replied - started, reply(),
                   [r for r in window if r.status != 429], sum(r.status == 429 for r in window),
                   card.at - started, pause, f"call {nth} of {before.method} {before.route}")


async def round_trip(bot: CounterpointBot, count: int) -> float:
    """Seconds for ``count`` sequential ``GET /users/@me`` through the bot's HTTP client."""
    started = time.perf_counter()
    for _ in range(count):
        await bot.http.request(Route("GET", "/users/@me"))
    return time.perf_counter() - started


# --- the run ---------------------------------------------------------------------------------

def quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("discord", "counterpoint", "bot", "cogs", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Voice is never used; its missing-library warnings are noise here.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def describe(calls: Sequence[Call]) -> str:
    counts = Counter(f"{c.method} {c.route}" for c in calls)
    return ", ".join(f"{n} × {name}" for name, n in counts.items())


async def main(args: argparse.Namespace) -> dict[str, Any]:
    quiet_logs()
    path = args.piece or (SEED if SEED.exists() else FALLBACK)
    emu = await Emulator().start()
    guild = emu.add_guild("Bench Club")
    channels = [guild.add_text_channel(f"debates-{i + 1}") for i in range(args.repeat)]
    moderator = guild.add_member("moderator", permissions=["ADMINISTRATOR"])
    piece = sample_piece(path)
    site = await FeedSite([piece]).start()
    runs: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="counterpoint-bench-") as folder:
            settings = Settings.from_env(
                {"COUNTERPOINT_DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
                 "DISCORD_TOKEN": emu.token, "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true",
                 "COUNTERPOINT_LOG_LEVEL": "WARNING"}, dotenv=None)
            pointer = emu.point_discord_py_here()
            bot = create_bot(settings, guild_ready_timeout=0.05)
            task = asyncio.create_task(bot.start(emu.token), name="counterpoint")
            try:
                await asyncio.wait_for(asyncio.shield(bot.resumed.wait()), TIMEOUT)
                for index, channel in enumerate(channels, start=1):
                    # Start each repetition with the global window and the bot idle.
                    await asyncio.sleep(1.2)
                    done = await publish_once(emu, moderator, channel, site.page_url(piece))
                    everything = calls_of(emu.limiter, done.requests)
                    needed = [c for c in everything if not c.route.startswith("/webhooks/")]
                    await asyncio.sleep(1.2)
                    rtt = statistics.median(
                        [await round_trip(bot, len(needed)) for _ in range(3)]) / len(needed)
                    scale = emu.limiter.scale
                    run = {
                        "wall_s": round(done.wall_s, 3),
                        "reply_s": round(done.reply_s, 3),
                        "calls": len(needed),
                        "calls_all": len(everything),
                        "retried_429": done.retried,
                        "read_s": round(done.read_s, 3),
                        "longest_pause_s": round(done.pause_s, 3),
                        "longest_pause_after": done.pause_after,
                        "rtt_ms": round(rtt * 1000, 3),
                        "limits_floor_s": limits_floor(needed, scale),
                        "floor_s": round(sequential_floor(needed, rtt, scale), 4),
                        "limits_floor_all_s": limits_floor(everything, scale),
                        "floor_all_s": round(sequential_floor(everything, rtt, scale), 4),
                    }
                    run["ratio"] = round(run["wall_s"] / run["floor_s"], 2)
                    run["ratio_all_calls"] = round(run["wall_s"] / run["floor_all_s"], 3)
                    runs.append(run)
                    print(f"publish {index}: {run['wall_s']:.3f} s to the card edit "
                          f"({run['reply_s']:.3f} s to the reply); publication's calls: "
                          f"{describe(needed)}; limits floor {run['limits_floor_s']:.1f} s, "
                          f"round trip {run['rtt_ms']:.2f} ms, floor {run['floor_s']:.3f} s, "
                          f"ratio {run['ratio']:.1f}; with the {len(everything) - len(needed)} "
                          f"progress edits: floor {run['floor_all_s']:.3f} s, "
                          f"ratio {run['ratio_all_calls']:.3f}")
                    print(f"    {done.read_s:.3f} s before the card (reading the piece); "
                          f"longest pause between calls {done.pause_s:.3f} s, after "
                          f"{done.pause_after}")
            finally:
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                pointer.restore()
    finally:
        await site.stop()
        await emu.stop()
    result: dict[str, Any] = {
        "piece": path.name,
        "arguments": len(emu.threads(channels[0])),
        "publish_ratio": statistics.median(r["ratio"] for r in runs),
        "publish_ratio_all_calls": statistics.median(r["ratio_all_calls"] for r in runs),
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "floor_s": statistics.median(r["floor_s"] for r in runs),
        "runs": runs,
    }
    print(f"{path.name}: {result['arguments']} threads; median wall {result['wall_s']:.3f} s "
          f"against a floor of {result['floor_s']:.3f} s: publish_ratio "
          f"{result['publish_ratio']:.1f} (goal: at most 1.1); counting the progress edits "
          f"as needed: {result['publish_ratio_all_calls']:.3f}")
    if math.isnan(result["publish_ratio"]):
        raise RuntimeError("no publish was measured")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--piece", type=Path, help="a text or HTML file to publish instead")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
