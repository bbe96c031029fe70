"""Rate limits per bot token, as on Discord: two bots on one emulator never spend each other's
allowance, and interaction routes keep their own keying (per webhook id + token, no global).

Raw HTTP calls that ignore the headers on purpose, so each 429 is the emulator's answer to a
limit really exceeded. The emulator runs with windows scaled up (``rate_limit_scale``) so no
bucket resets while a test runs: each test takes milliseconds and asserts only on statuses,
bodies and headers, never on the clock.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotIdentity, Channel, Emulator, Member
from bot.emulator.ratelimit import DEFAULT_RULES, GLOBAL_LIMIT
from tests.emulator.harness import RawGateway

MESSAGES = "/channels/{channel_id}/messages"
MESSAGE_LIMIT = DEFAULT_RULES[("POST", MESSAGES)].limit  # 5 per 5 s per channel
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
WEBHOOK_LIMIT = DEFAULT_RULES[("POST", WEBHOOK)].limit  # 5 per 2 s per webhook id + token
# Discord's bucket ids: opaque hex strings, the same for every caller of a route.
BUCKET_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class World:
    emu: Emulator
    http: aiohttp.ClientSession
    channel: Channel
    member: Member
    first: BotIdentity
    second: BotIdentity

    async def call(self, method: str, path: str, bot: BotIdentity | None,
                   json: Any = None) -> Answer:
        """One call with ``bot``'s token (none if ``bot`` is None)."""
        headers = {"Authorization": f"Bot {bot.token}"} if bot is not None else {}
        async with self.http.request(method, self.emu.rest_url + path, headers=headers,
                                     json=json) as resp:
            body = await resp.json() if resp.content_type == "application/json" else None
            return Answer(resp.status, dict(resp.headers), body)

    async def post(self, bot: BotIdentity, text: str, channel: Channel | None = None) -> Answer:
        channel = channel or self.channel
        return await self.call("POST", f"/channels/{channel.id}/messages", bot,
                               {"content": text})


@pytest.fixture
async def world() -> AsyncIterator[World]:
    # 5 s windows become 500 s: nothing resets during a test, which never waits for one.
    emu = await Emulator(rate_limit_scale=100.0, interaction_deadline=None).start()
    guild = emu.add_guild("Limits")
    channel = guild.add_text_channel("general")
    member = guild.add_member("ada")
    second = emu.add_bot("Second")
    try:
        async with aiohttp.ClientSession() as http:
            yield World(emu, http, channel, member, emu.state.primary, second)
    finally:
        await emu.stop()


def _bucket_headers(answer: Answer) -> tuple[str, str, str]:
    h = answer.headers
    return h["X-RateLimit-Bucket"], h["X-RateLimit-Limit"], h["X-RateLimit-Remaining"]


async def test_two_bots_in_one_channel_each_have_their_own_message_bucket(world: World) -> None:
    first, second = world.first, world.second
    # Both bots post MESSAGE_LIMIT messages each, interleaved, to the same channel: neither
    # touches the other's bucket, so neither is refused and each counts down on its own.
    answers: dict[int, list[Answer]] = {first.application_id: [], second.application_id: []}
    for n in range(MESSAGE_LIMIT):
        for bot in (first, second):
            answers[bot.application_id].append(await world.post(bot, f"{bot.user.username} {n}"))
    bucket = answers[first.application_id][0].headers["X-RateLimit-Bucket"]
    assert BUCKET_ID.fullmatch(bucket)
    for mine in answers.values():
        assert [a.status for a in mine] == [200] * MESSAGE_LIMIT
        # The same bucket id for both (Discord's ids name the route's limit, not the caller),
        # and each bot's own count: 4, 3, 2, 1, 0.
        assert [_bucket_headers(a) for a in mine] == [
            (bucket, str(MESSAGE_LIMIT), str(left)) for left in reversed(range(MESSAGE_LIMIT))]
    assert world.emu.rate_limited == []
    assert len(world.emu.messages(world.channel)) == 2 * MESSAGE_LIMIT

    # One more from each exceeds each one's own limit: each gets its own 429.
    for bot in (first, second):
        refused = await world.post(bot, "one too many")
        assert refused.status == 429
        assert refused.body["global"] is False and refused.body["retry_after"] > 0
        assert refused.headers["X-RateLimit-Scope"] == "user"
        assert _bucket_headers(refused) == (bucket, str(MESSAGE_LIMIT), "0")
        assert "X-RateLimit-Global" not in refused.headers
    assert [r.bot_id for r in world.emu.rate_limited] == [
        first.application_id, second.application_id]
    # Each ignored its own "Remaining: 0", and the record says whose token it was.
    assert [e.token for e in world.emu.early_requests] == [first.token, second.token]

    # The bucket is per channel too: another channel takes either bot's messages.
    other = world.channel.guild.add_text_channel("other")
    assert (await world.post(first, "elsewhere", other)).status == 200
    assert (await world.post(second, "elsewhere", other)).status == 200


async def test_the_global_limit_counts_per_bot(world: World) -> None:
    first, second = world.first, world.second
    # GLOBAL_LIMIT calls each, spread over routes whose own buckets stay roomy (50 each).
    paths = ["/users/@me", f"/channels/{world.channel.id}"]

    async def spend(bot: BotIdentity) -> list[int]:
        return [(await world.call("GET", paths[n % 2], bot)).status
                for n in range(GLOBAL_LIMIT)]

    assert await spend(first) == [200] * GLOBAL_LIMIT
    # The first bot has spent its second's worth; the second bot has its own.
    assert await spend(second) == [200] * GLOBAL_LIMIT
    assert world.emu.rate_limited == []
    for bot in (first, second):
        refused = await world.call("GET", "/users/@me", bot)
        assert refused.status == 429
        assert refused.body["global"] is True
        assert refused.headers["X-RateLimit-Global"] == "true"
        assert refused.headers["X-RateLimit-Scope"] == "global"
    assert [(r.bot_id, r.scope) for r in world.emu.rate_limited] == [
        (first.application_id, "global"), (second.application_id, "global")]
    # A call with no token is limited by IP address, not by either bot's allowance.
    assert (await world.call("GET", "/gateway", None)).status == 200


async def _answered_command(world: World, bot: BotIdentity) -> Any:
    """A slash command sent to ``bot``, answered (type 4) over its interaction callback."""
    with world.emu.as_bot(bot):
        record = await world.emu.run_slash_command(world.member, world.channel, "ping")
    answered = await world.call("POST", f"/interactions/{record.id}/{record.token}/callback",
                                None, {"type": 4, "data": {"content": "pong"}})
    assert answered.status == 204
    return record


async def test_interaction_routes_keep_their_own_keying(world: World) -> None:
    first, second = world.first, world.second
    async with aiohttp.ClientSession() as http:
        gateway = await RawGateway.connect(http, world.emu)
        await gateway.identify(second.token)
        try:
            one = await _answered_command(world, second)
            two = await _answered_command(world, second)
            # The second bot spends its whole global allowance with its token.
            for _ in range(GLOBAL_LIMIT):
                assert (await world.call("GET", "/users/@me", second)).status == 200
            assert (await world.call("GET", "/users/@me", second)).status == 429

            # Follow-ups carry the interaction's token, not the bot's: no global limit, and
            # a bucket per webhook id + interaction token.
            def follow_up(record: Any) -> str:
                return f"/webhooks/{second.application_id}/{record.token}"

            statuses = [(await world.call("POST", follow_up(one), None,
                                          {"content": f"more {n}"})).status
                        for n in range(WEBHOOK_LIMIT + 1)]
            assert statuses == [204] * WEBHOOK_LIMIT + [429]
            # The other interaction's webhook has a bucket of its own, same bucket id.
            other = await world.call("POST", follow_up(two), None, {"content": "other"})
            assert other.status == 204
            assert other.headers["X-RateLimit-Remaining"] == str(WEBHOOK_LIMIT - 1)
            assert BUCKET_ID.fullmatch(other.headers["X-RateLimit-Bucket"])
            # A callback is not under the global limit either.
            three = await _answered_command(world, second)
            assert three.callback_type == 4
            refused = [r for r in world.emu.rate_limited if r.route == WEBHOOK]
            assert [(r.bot_id, r.scope) for r in refused] == [(second.application_id, "user")]
        finally:
            await gateway.close()
    # None of this touched the first bot's allowance.
    assert (await world.call("GET", "/users/@me", first)).status == 200


async def test_a_forced_429_can_aim_at_one_bot(world: World) -> None:
    first, second = world.first, world.second
    world.emu.force_429(1, retry_after=0.5, route=MESSAGES, method="POST", bot=second)
    # The first bot's message is not the one refused; the second bot's is.
    assert (await world.post(first, "from the first")).status == 200
    refused = await world.post(second, "from the second")
    assert refused.status == 429 and refused.body["retry_after"] == 0.5
    assert refused.headers["X-RateLimit-Scope"] == "user"
    # Only the second bot's bucket was told to wait: the first may post at once.
    assert (await world.post(first, "again")).status == 200
    assert world.emu.early_requests == []
    # Aimed by token as well, and without a route: the next call of that bot, whatever it is.
    world.emu.force_429(1, retry_after=0.5, bot=first.token)
    assert (await world.call("GET", "/users/@me", second)).status == 200
    assert (await world.call("GET", "/users/@me", first)).status == 429
    assert [r.bot_id for r in world.emu.rate_limited] == [
        second.application_id, first.application_id]
