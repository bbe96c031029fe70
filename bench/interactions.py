"""Benchmark: 1,000 vote clicks from 200 members in 10 s, Counterpoint against a bare bot.

One emulator on 127.0.0.1 (default settings: rate limits on, Discord's 3-second deadline for
a first response). The real ``CounterpointBot`` (SQLite store in a temporary directory,
default debounce and tally delay) posts ``bot/samples/city_bike_lanes.txt`` with
``/piece post`` into a text channel, so each of its 3 arguments' openings carries Agree and
Disagree buttons (6 vote buttons). 200 members are added to the guild. A seeded plan of 1,000
clicks is drawn: a random member clicks a random vote button. Then, in each round:

1. Counterpoint is started, gets 20 warm-up clicks (not counted), and then the 1,000 clicks,
   one every 10 ms (100 a second for 10 s); it is stopped;
2. a bare ``commands.AutoShardedBot`` (same intents and cache options), whose only
   ``DynamicItem`` matches the same custom ids and answers with an ephemeral "ok" (the same
   callback type Counterpoint sends), gets the same warm-up and the same 1,000 clicks.

Only one bot is connected at a time, so every click gets exactly one answer; both run in this
process, on the same event loop as the emulator. Rounds alternate the bots so that both see
the same background load on a shared machine (default: 2 rounds, 2,000 clicks per bot).
Before each measured phase the heap is frozen (``gc.freeze()``): the emulator keeps every
request and interaction, which a real bot's process never holds, and full collections over
that history would stall the shared loop for 100-500 ms at random moments.

Counterpoint's click: debounce check, the vote written to the store (one transaction), a
tally edit scheduled (coalesced, every 2 s per message), an ephemeral confirmation. A click
answered by its repeat-click debounce ("already counted") is an answer too and counts.

Latency of a click: from just before ``emu.click_button`` (wall clock) to the emulator
receiving the interaction callback (the ``at`` stamp of the emulator's request record for
``POST /interactions/{id}/{token}/callback``, taken when the request reaches its middleware).

    .venv/bin/python bench/interactions.py [--clicks 1000] [--members 200] [--seconds 10]
        [--seed 7] [--rounds 2] [--profile FILE] [--timeline]

Prints p50/p99 (ms) per bot and round; the last line is one JSON object with ``p99_ratio``
(Counterpoint's p99 over the bare bot's, all rounds pooled; goal: at most 1.3) and the raw
figures. ``--profile FILE`` writes a cProfile of Counterpoint's measured clicks (it slows the
bot down a lot: use it for where the time goes, not for latencies). ``--timeline`` adds each
bot's stages (gateway frame parsed, the vote, the reply handed to discord.py, its arrival at
the emulator), p50 and p99 in ms, under ``timeline``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import math
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
from discord.ext import commands  # noqa: E402
from quiet import quiet_logs  # noqa: E402

from bot.debate import VOTE_PATTERN  # noqa: E402
from bot.emulator import Channel, Emulator, Member, Message  # noqa: E402
from bot.sandbox import (  # noqa: E402
    FeedSite,
    buttons,
    emulator_settings,
    sample_piece,
    start_bot,
    start_client,
)

SAMPLE = ROOT / "bot" / "samples" / "city_bike_lanes.txt"
CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"
WARMUP_CLICKS = 20
READY_TIMEOUT = 30.0
ANSWER_TIMEOUT = 10.0
DEBOUNCED_REPLY = "Got it: that click is already counted"


@dataclass(frozen=True)
class Click:
    member: Member
    message: Message
    custom_id: str


@dataclass
class PhaseResult:
    name: str
    latencies_ms: list[float]
    unanswered: int
    debounced: int
    dispatch_span_s: float
    max_dispatch_lag_ms: float
    stages: dict[str, list[float]] | None = None

    def figures(self) -> dict[str, Any]:
        return {
            "p50_ms": round(percentile(self.latencies_ms, 50), 2),
            "p99_ms": round(percentile(self.latencies_ms, 99), 2),
            "max_ms": round(max(self.latencies_ms, default=math.nan), 2),
            "answered": len(self.latencies_ms),
            "unanswered": self.unanswered,
            "debounced": self.debounced,
            "dispatch_span_s": round(self.dispatch_span_s, 3),
            "max_dispatch_lag_ms": round(self.max_dispatch_lag_ms, 2),
        }


def ratio(mine: dict[str, Any], theirs: dict[str, Any], key: str) -> float:
    return round(mine[key] / theirs[key], 3)


def report(label: str, figures: dict[str, Any]) -> None:
    print(f"{label:>25}: p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
          f"max {figures['max_ms']:.1f} ms; {figures['answered']} answered "
          f"({figures['debounced']} as repeat clicks), {figures['unanswered']} unanswered; "
          f"dispatch span {figures['dispatch_span_s']:.2f} s, "
          f"worst dispatch lag {figures['max_dispatch_lag_ms']:.1f} ms")


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 1,000 values is the 990th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


class Timeline:
    """``--timeline``: where each click's time goes inside the bot. Marks, by interaction id:
    the gateway frame parsed by discord.py (``parse``), the debate service's vote begun and
    done (Counterpoint only), the reply handed to discord.py (``reply``); the emulator's
    receipt of the callback closes it. Patches discord.py and the service for this run only."""

    def __init__(self) -> None:
        self.marks: dict[int, dict[str, float]] = {}

    def mark(self, interaction_id: int, name: str) -> None:
        self.marks.setdefault(interaction_id, {})[name] = time.time()

    def install(self) -> None:
        from discord.interactions import InteractionResponse
        from discord.state import ConnectionState

        from bot.debate.service import DebateService

        timeline = self
        parse = ConnectionState.parse_interaction_create
        send = InteractionResponse.send_message
        vote = DebateService.vote

        def parsed(state: Any, data: Any) -> None:
            timeline.mark(int(data["id"]), "parse")
            parse(state, data)

        async def sent(response: Any, *args: Any, **kwargs: Any) -> Any:
            timeline.mark(response._parent.id, "reply")
            return await send(response, *args, **kwargs)

        async def voted(service: Any, *args: Any, click: Any = None, **kwargs: Any) -> Any:
            if click is not None:
                timeline.mark(click.id, "vote")
            result = await vote(service, *args, click=click, **kwargs)
            if click is not None:
                timeline.mark(click.id, "voted")
            return result

        ConnectionState.parse_interaction_create = parsed  # type: ignore[method-assign]
        InteractionResponse.send_message = sent  # type: ignore[method-assign]
        DebateService.vote = voted  # type: ignore[method-assign]

    def stages(self, answered: dict[int, float]) -> dict[str, list[float]]:
        """Milliseconds per stage (p50, p99) over the clicks ``answered`` (id -> when the
        emulator got the callback); then forget them."""
        spans: dict[str, list[float]] = {}
        steps = (("parse", "vote", "to the vote"), ("vote", "voted", "the vote"),
                 ("voted", "reply", "to the reply"), ("parse", "reply", "parse to reply"))
        for interaction_id, at in answered.items():
            marks = self.marks.pop(interaction_id, {})
            marks["callback"] = at
            for start, end, name in (*steps, ("reply", "callback", "reply to emulator")):
                if start in marks and end in marks:
                    spans.setdefault(name, []).append((marks[end] - marks[start]) * 1000)
        return {name: [round(percentile(values, 50), 3), round(percentile(values, 99), 3)]
                for name, values in spans.items()}


# --- the two bots ----------------------------------------------------------------------------

class AckVote(discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_PATTERN):
    """The baseline's only handler: any Counterpoint vote id, answered with an ephemeral ok."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="vote", custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AckVote:
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


def bare_bot() -> commands.AutoShardedBot:
    # Counterpoint's client options, so the difference is the work done per click.
    intents = discord.Intents.none()
    intents.guilds = True
    bot = commands.AutoShardedBot(
        command_prefix=commands.when_mentioned, intents=intents, help_command=None,
        member_cache_flags=discord.MemberCacheFlags.none(), chunk_guilds_at_startup=False,
        guild_ready_timeout=0.05)
    bot.add_dynamic_items(AckVote)
    return bot


# --- the piece and the clicks ----------------------------------------------------------------

async def post_piece(emu: Emulator, moderator: Member, channel: Channel, url: str) -> None:
    record = await emu.run_slash_command(moderator, channel, "piece post",
                                         {"url": url, "channel": channel})
    await record.wait_response(timeout=READY_TIMEOUT)

    def reply() -> str:
        original = record.original
        return (original.content or "") if original is not None else ""

    await record.wait_for(lambda _: reply().startswith(("Posted in", "Not posted", "I could")),
                          READY_TIMEOUT)
    if not reply().startswith("Posted in"):
        raise RuntimeError(f"the piece was not posted: {reply()}")


def vote_buttons(emu: Emulator, channel: Channel) -> list[tuple[Message, str]]:
    """(opening message, custom id) of every Agree / Disagree button under an argument."""
    found = []
    for thread in sorted(emu.threads(channel), key=lambda t: t.id):
        for message in emu.messages(thread):
            for item in buttons(message):
                custom_id = str(item.get("custom_id", ""))
                if custom_id.startswith("cp:v:"):
                    found.append((message, custom_id))
    return found


def plan(rng: random.Random, members: Sequence[Member], targets: Sequence[tuple[Message, str]],
         count: int) -> list[Click]:
    return [Click(rng.choice(members), *rng.choice(targets)) for _ in range(count)]


async def run_clicks(emu: Emulator, name: str, clicks: Sequence[Click],
                     interval: float, timeline: Timeline | None = None) -> PhaseResult:
    """Dispatch ``clicks`` one per ``interval`` seconds, then read when each was answered."""
    loop = asyncio.get_running_loop()
    sent: list[tuple[Any, float]] = []
    lag = 0.0
    begin = loop.time()
    for index, click in enumerate(clicks):
        due = begin + index * interval
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            lag = max(lag, -delay)  # the loop was busy: this click goes out late
        stamp = time.time()
        record = await emu.click_button(click.member, click.message, click.custom_id)
        sent.append((record, stamp))
    span = loop.time() - begin
    results = await asyncio.gather(
        *(record.wait_response(timeout=ANSWER_TIMEOUT) for record, _ in sent),
        return_exceptions=True)
    arrived = {r.path: r.at for r in emu.requests
               if r.route == CALLBACK_ROUTE and r.method == "POST" and r.status < 300}
    latencies: list[float] = []
    debounced = 0
    for (record, stamp), result in zip(sent, results, strict=True):
        at = arrived.get(f"/interactions/{record.id}/{record.token}/callback")
        if isinstance(result, BaseException) or at is None:
            continue
        latencies.append((at - stamp) * 1000)
        content = str((record.callback_data or {}).get("content") or "")
        debounced += content.startswith(DEBOUNCED_REPLY)
    stages = None
    if timeline is not None:
        stages = timeline.stages({
            record.id: arrived[f"/interactions/{record.id}/{record.token}/callback"]
            for record, _ in sent
            if f"/interactions/{record.id}/{record.token}/callback" in arrived})
    return PhaseResult(name, latencies, len(sent) - len(latencies), debounced, span, lag * 1000,
                       stages)


async def phase(emu: Emulator, name: str, clicks: Sequence[Click], warmup: Sequence[Click],
                interval: float, profile: cProfile.Profile | None = None,
                timeline: Timeline | None = None) -> PhaseResult:
    await run_clicks(emu, f"{name} warm-up", warmup, interval, timeline)
    # Let the warm-up's tally edits and debounce windows pass before measuring.
    await asyncio.sleep(2.5)
    # The emulator keeps every request and interaction it saw, which a bot's own process never
    # holds; without this, full collections over that history stall the shared loop for
    # 100-500 ms at random moments. Both bots get the same treatment.
    gc.collect()
    gc.freeze()
    if profile is not None:
        profile.enable()
    try:
        return await run_clicks(emu, name, clicks, interval, timeline)
    finally:
        if profile is not None:
            profile.disable()


# --- the run ---------------------------------------------------------------------------------

async def main(args: argparse.Namespace) -> dict[str, Any]:
    quiet_logs()
    emu = await Emulator().start()
    guild = emu.add_guild("Bench Club")
    channel = guild.add_text_channel("debates")
    moderator = guild.add_member("moderator", permissions=["ADMINISTRATOR"])
    members = [guild.add_member(f"member{i:03d}") for i in range(args.members)]
    piece = sample_piece(SAMPLE)
    site = await FeedSite([piece]).start()
    interval = args.seconds / args.clicks
    profile = cProfile.Profile() if args.profile else None
    timeline = Timeline() if args.timeline else None
    if timeline is not None:
        timeline.install()
    ours: list[PhaseResult] = []
    bare: list[PhaseResult] = []
    try:
        with tempfile.TemporaryDirectory(prefix="counterpoint-bench-") as folder:
            settings = emulator_settings(f"sqlite:///{Path(folder) / 'bench.db'}",
                                         discord_token=emu.token, log_level="WARNING")
            clicks: list[Click] = []
            warmup: list[Click] = []
            # Rounds alternate the bots so both see the same background load on a shared
            # machine; each round replays the same plan.
            for _round in range(args.rounds):
                running = await start_bot(emu, settings, within=READY_TIMEOUT)
                try:
                    if not clicks:
                        await post_piece(emu, moderator, channel, site.page_url(piece))
                        targets = vote_buttons(emu, channel)
                        if not targets:
                            raise RuntimeError("the posted piece has no vote buttons")
                        rng = random.Random(args.seed)
                        warmup = plan(rng, members, targets, WARMUP_CLICKS)
                        clicks = plan(rng, members, targets, args.clicks)
                    ours.append(await phase(emu, "counterpoint", clicks, warmup, interval,
                                            profile, timeline))
                finally:
                    await running.stop()
                running = await start_client(emu, bare_bot(), within=READY_TIMEOUT)
                try:
                    bare.append(await phase(emu, "bare", clicks, warmup, interval,
                                            timeline=timeline))
                finally:
                    await running.stop()
                gc.unfreeze()
    finally:
        await site.stop()
        await emu.stop()
    if profile is not None:
        profile.dump_stats(args.profile)

    result: dict[str, Any] = {"clicks": args.clicks, "members": args.members,
                              "buttons": len(targets), "seconds": args.seconds,
                              "rounds": args.rounds}
    for index, (mine, theirs) in enumerate(zip(ours, bare, strict=True), start=1):
        for run in (mine, theirs):
            report(f"round {index} {run.name}", run.figures())
        print(f"round {index} p99 ratio: {ratio(mine.figures(), theirs.figures(), 'p99_ms')}")
    for name, runs in (("counterpoint", ours), ("bare", bare)):
        pooled = PhaseResult(
            name, [x for run in runs for x in run.latencies_ms],
            sum(run.unanswered for run in runs), sum(run.debounced for run in runs),
            max(run.dispatch_span_s for run in runs),
            max(run.max_dispatch_lag_ms for run in runs))
        result[name] = pooled.figures()
        report(f"all rounds {name}", result[name])
    result["round_p99_ratios"] = [
        ratio(mine.figures(), theirs.figures(), "p99_ms") for mine, theirs in zip(ours, bare,
                                                                                  strict=True)]
    if timeline is not None:
        result["timeline"] = {run.name: run.stages for run in (*ours, *bare)}
        for run in (*ours, *bare):
            print(f"timeline {run.name} (ms, p50 / p99): " + "; ".join(
                f"{stage} {p50} / {p99}" for stage, (p50, p99) in (run.stages or {}).items()))
    result["p50_ratio"] = ratio(result["counterpoint"], result["bare"], "p50_ms")
    result["p99_ratio"] = ratio(result["counterpoint"], result["bare"], "p99_ms")
    print(f"p99 ratio (Counterpoint / bare, all rounds): {result['p99_ratio']:.2f} "
          f"(goal: at most 1.3); p50 ratio {result['p50_ratio']:.2f}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", type=Path, metavar="FILE")
    parser.add_argument("--timeline", action="store_true",
                        help="where each click's time goes inside the bot, by stage")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
