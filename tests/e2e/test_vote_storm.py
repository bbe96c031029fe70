"""A storm of clicks while Discord misbehaves, on both store backends: afterwards every stored
vote is what the member's clicks make in the order they were made, and every message's
buttons show the store's tally.

The faults are those that broke votes before: 5xx bursts and forced 429s aimed at the
interaction answers and at the tally edits, latency, answers lost after Discord applied the
call, a reconnect held up while a member's clicks pile up (then delivered together), and a
gateway close that ends the session (clicks made meanwhile never reach the bot, as on
Discord). Nothing is timed: the test waits for the bot to have answered every click it
received, then for its tally edits to finish.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Sequence

import pytest

from bot.emulator import InteractionRecord, Member, Message
from bot.store import AGREE, DISAGREE, VoteTarget, open_store
from tests.e2e.harness import World, reply_text
from tests.e2e.test_debate import labels
from tests.feedsite import BIKE_LANES
from tests.storefixtures import store_url  # noqa: F401 - the fixture, on both backends

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
EDIT = "/channels/{channel_id}/messages/{message_id}"
WITHIN = 60.0


@pytest.fixture
async def world(store_url: str) -> AsyncIterator[World]:  # noqa: F811
    # No double-click window, so that each delivered click is a toggle; tallies refresh fast.
    world = await World.create(store_url, vote_debounce=0.0, tally_delay=0.2)
    try:
        yield world
    finally:
        await world.close()


class Storm:
    def __init__(self, world: World, openings: list[Message], members: list[Member]) -> None:
        self.world = world
        self.openings = openings
        self.members = members
        self.clicks: list[tuple[InteractionRecord, Member, Message, int]] = []
        self.rng = random.Random(1010)

    async def burst(self, count: int, *, pairs: bool = False) -> None:
        """``count`` clicks at once (with ``pairs``, each member clicks twice on the same
        argument, one right after the other)."""
        planned: list[tuple[Member, Message, int]] = []
        while len(planned) < count:
            member = self.rng.choice(self.members)
            opening = self.rng.choice(self.openings)
            for _ in range(2 if pairs else 1):
                planned.append((member, opening, self.rng.choice([AGREE, DISAGREE])))
        for member, opening, value in planned:
            record = await self.world.emu.click_button(member, opening, button(opening, value))
            self.clicks.append((record, member, opening, value))

    async def settle(self) -> None:
        """Wait until the bot has answered (or tried to) every click that reached it."""
        emu = self.world.emu
        ids = {r.id for r, *_ in self.clicks}
        await emu.wait_for(lambda: ids & emu.gateway.delivered_interactions <= self.answered(),
                           WITHIN)

    def answered(self) -> set[int]:
        """Interactions the bot tried to answer, whatever Discord said back."""
        return {int(r.path.split("/")[2]) for r in self.world.emu.requests_to(CALLBACK)}


def button(opening: Message, value: int) -> str:
    suffix = ":+" if value == AGREE else ":-"
    return next(c for c in opening.custom_ids() if c.startswith("cp:v:") and
                c.endswith(suffix))


def folded(values: Sequence[int]) -> int | None:
    """A member's vote after their clicks, in order: each one toggles."""
    vote: int | None = None
    for value in values:
        vote = None if vote == value else value
    return vote


async def test_votes_and_tallies_stay_right_through_a_storm(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    emu = world.emu
    channel = world.guild.add_text_channel("storm")
    record = await world.post(world.server.add("storm.txt", BIKE_LANES), channel)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    openings = [world.openings(t)[-1] for t in emu.threads(channel)]
    members = [world.guild.add_member(f"storm-{n}") for n in range(8)]
    storm = Storm(world, openings, members)

    await storm.burst(30)
    await storm.settle()
    emu.set_latency(0.02)
    emu.inject_5xx(3, 502, route=CALLBACK, method="POST")
    emu.inject_5xx(4, 502, route=EDIT, method="PATCH")
    await storm.burst(20)
    await storm.settle()
    emu.force_429(3, 0.05, route=CALLBACK, method="POST")
    emu.force_429(3, 0.05, route=EDIT, method="PATCH")
    await storm.burst(20)
    await storm.settle()

    # A reconnect held up: pairs of clicks pile up, then arrive together on the RESUME.
    resumes = emu.gateway.resumes
    emu.hold_gateway()
    await emu.drop_gateway(abrupt=True)
    await storm.burst(16, pairs=True)
    emu.release_gateway()
    await emu.wait_for(lambda: emu.gateway.resumes > resumes, WITHIN)
    await storm.settle()
    emu.lose_responses(2, route=EDIT, method="PATCH")
    emu.lose_responses(2, route=CALLBACK, method="POST")
    await storm.burst(20)
    await storm.settle()

    # A close that ends the session: what is clicked before the bot identifies again is lost.
    identifies = emu.gateway.identifies
    await emu.drop_gateway(code=4009)
    await storm.burst(6)
    await emu.wait_for(lambda: emu.gateway.identifies > identifies
                       and bool(emu.gateway.live_sessions), WITHIN)
    await storm.burst(20, pairs=True)
    await storm.settle()
    emu.set_latency(0.0)

    # Last, a trickle of clicks while the first tally edits fail (discord.py retries a 502
    # after a second): a retried edit must not land over a newer one.
    emu.inject_5xx(3, 502, route=EDIT, method="PATCH")
    for _ in range(8):
        await storm.burst(3)
        await storm.settle()

    # Every click the bot received, it answered (or tried to).
    delivered = emu.gateway.delivered_interactions
    clicked = {r.id for r, *_ in storm.clicks}
    await emu.wait_for(lambda: clicked & delivered <= storm.answered(), WITHIN)
    received = clicked & delivered & storm.answered()
    assert len(received) >= len(clicked) - 6  # at most the clicks made while the session was gone

    store = await open_store(world.database_url, migrate=False)
    try:
        # Every stored vote follows the member's clicks, in the order they were made.
        by_key: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for record, member, opening, value in storm.clicks:
            if record.id in received:
                by_key.setdefault((member.id, opening.id), []).append((record.id, value))
        wrong = []
        for member in members:
            for opening in openings:
                target = argument_of(opening)
                made = [v for _, v in sorted(by_key.get((member.id, opening.id), []))]
                if await store.get_vote(target, member.id) != folded(made):
                    wrong.append((member.user.username, opening.id, made))
        assert wrong == []

        # Every message's buttons show the store's tally, once the bot's edits are done.
        cog = world.bot.get_cog("Debate")
        assert cog is not None
        await asyncio.wait_for(cog.tallies.flush(), WITHIN)  # type: ignore[attr-defined]
        await emu.wait_for(lambda: all(r.status for r in emu.requests_to(EDIT, "PATCH")),
                           WITHIN)
        for opening in openings:
            tally = await store.tally(argument_of(opening))
            assert labels(emu.message(opening.id))[:2] == [
                f"Agree · {tally.agree}", f"Disagree · {tally.disagree}"]
    finally:
        await store.close()

    # Discord's failures are not the bot's errors: an answer that came too late (10062) or
    # was lost is logged as such, never with a traceback, and never sent again.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    expired = [r for r in emu.requests_to(CALLBACK) if r.error and r.error["code"] == 10062]
    for late in expired:
        assert len([r for r in emu.requests_to(CALLBACK) if r.path == late.path]) == 1


def argument_of(opening: Message) -> VoteTarget:
    custom_id = button(opening, AGREE)  # cp:v:a:<argument id>:+
    return VoteTarget.argument(int(custom_id.split(":")[3]))


async def test_a_click_answered_too_late_counts_and_is_not_answered_again(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    emu = world.emu
    channel = world.guild.add_text_channel("late")
    await world.post(world.server.add("late.txt", BIKE_LANES), channel)
    opening = world.openings(emu.threads(channel)[0])[-1]
    # discord.py tries the answer again 1 s after a 502 and 3 s after the next: by then the
    # interaction has expired (10062).
    emu.inject_5xx(2, 502, route=CALLBACK, method="POST")
    record = await emu.click_button(world.alice, opening, button(opening, AGREE))
    path = f"/interactions/{record.id}/{record.token}/callback"

    def answers() -> list[int]:
        return [r.status for r in emu.requests_to(CALLBACK) if r.path == path]

    await emu.wait_for(lambda: 0 not in answers() and len(answers()) == 3, WITHIN)
    assert answers() == [502, 502, 404]
    store = await open_store(world.database_url, migrate=False)
    try:
        # The click counts (see README, "Votes"), and the buttons say so.
        assert await store.get_vote(argument_of(opening), world.alice.id) == AGREE
    finally:
        await store.close()
    await emu.wait_for(lambda: labels(emu.message(opening.id))[0] == "Agree · 1", WITHIN)
    cog = world.bot.get_cog("Debate")
    assert cog is not None
    await asyncio.wait_for(cog.tallies.flush(), WITHIN)  # type: ignore[attr-defined]
    assert answers() == [502, 502, 404]  # not answered again
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
