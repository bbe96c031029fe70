"""Gates against brigading and "changed my mind" as DeltaBot would have it, end to end: each
gate refuses with its rule and when the member qualifies, the established tally shows beside
the full one, a setting change loses no vote; awards need an explanation, are once per member,
withdrawable for a day and revocable by a moderator."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import InteractionRecord, Member, Message, Role, Thread
from bot.store import Store, Tally, VoteTarget
from bot.store.records import snowflake_time
from tests.e2e.harness import Posted, World, post_arguments, reply_text, shows

pytestmark = pytest.mark.asyncio(loop_scope="module")

DAY = 86_400.0
COUNTER = ("Protected lanes shift trade between streets rather than create it: the takings "
           "on Harbour Street rose while the next street's fell by as much.")
CREDIT = "The cross-street figures did it: fewer crashes wherever the lanes went in."


@dataclass
class People:
    veteran: Member  # account 400 days old, in the server for 100 days
    elder: Member  # the same, with the verified role
    newbie: Member  # account 2 days old, joined a day ago
    joiner: Member  # account 400 days old, joined 3 hours ago
    verified: Role


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def people(world: World) -> People:
    now = time.time()
    verified = world.guild.add_role("verified")
    return People(
        veteran=world.guild.add_member("veteran", created_at=now - 400 * DAY,
                                       joined_at=now - 100 * DAY),
        elder=world.guild.add_member("elder", created_at=now - 400 * DAY,
                                     joined_at=now - 100 * DAY, roles=[verified]),
        newbie=world.guild.add_member("newbie", created_at=now - 2 * DAY,
                                      joined_at=now - DAY),
        joiner=world.guild.add_member("joiner", created_at=now - 400 * DAY,
                                      joined_at=now - 3 * 3600),
        verified=verified)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def posted(world: World, store: Store) -> list[Posted]:
    return await post_arguments(world, store, "bikes.txt")


# --- helpers --------------------------------------------------------------------------------


async def answered(record: InteractionRecord) -> InteractionRecord:
    await record.wait_response()
    await record.wait_for(lambda r: bool(reply_text(r)) or r.callback_type == 9, 10)
    return record


async def click(world: World, member: Member, message: Message, custom_id: str) -> str:
    record = await answered(await world.emu.click_button(member, message, custom_id))
    assert record.callback_type != 9, "a form opened where a refusal was expected"
    return reply_text(record)


async def open_form(world: World, member: Member, message: Message, custom_id: str
                    ) -> InteractionRecord:
    record = await answered(await world.emu.click_button(member, message, custom_id))
    assert record.callback_type == 9, reply_text(record)
    return record


async def submit(world: World, member: Member, thread: Thread, custom_id: str, text: str
                 ) -> str:
    record = await world.emu.submit_modal(member, thread, custom_id, {"body": text})
    return reply_text(await answered(record))


async def command(world: World, member: Member, name: str, options: dict[str, Any] | None = None
                  ) -> str:
    record = await world.emu.run_slash_command(member, world.general, name, options or {})
    return reply_text(await answered(record))


async def gate(world: World, name: str, **options: Any) -> None:
    text = await command(world, world.admin, f"config gates {name}", options)
    assert text.startswith("Gates for this server now"), text


@contextlib.asynccontextmanager
async def gated(world: World, name: str, **options: Any) -> AsyncIterator[None]:
    """The gate ``name`` set with ``options`` for the block, and lifted after it, however the
    block ends (its numbers back to 0, its role cleared)."""
    await gate(world, name, **options)
    try:
        yield
    finally:
        await gate(world, name, **{k: 0 for k, v in options.items() if isinstance(v, int)})


def when(moment_ts: float) -> str:
    return f"<t:{math.ceil(moment_ts)}:R>"


# --- gates ----------------------------------------------------------------------------------


async def test_account_too_new(world: World, posted: list[Posted], people: People,
                               store: Store) -> None:
    first = posted[0]
    agree = f"cp:v:a:{first.argument.id}:+"
    async with gated(world, "account-age", days=7):
        refused = await click(world, people.newbie, first.opening, agree)
        qualifies = (snowflake_time(people.newbie.id) + timedelta(days=7)).timestamp()
        assert refused == (
            "You can't vote here yet: this server counts only Discord accounts at least 7 days "
            f"old, and yours is 2 days. You'll qualify {when(qualifies)} "
            f"(<t:{math.ceil(qualifies)}:f>).")
        assert await store.get_vote(VoteTarget.argument(first.argument.id),
                                    people.newbie.id) is None
        # The same gate guards the Counter form before anything is typed.
        assert "You can't post counterarguments or rebuttals here yet" in await click(
            world, people.newbie, first.opening, f"cp:c:a:{first.argument.id}")
        assert (await click(world, people.veteran, first.opening, agree)).startswith(
            "You agree.")


async def test_joined_too_recently(world: World, posted: list[Posted], people: People) -> None:
    first = posted[0]
    async with gated(world, "time-in-server", hours=24):
        refused = await click(world, people.joiner, first.opening,
                              f"cp:c:a:{first.argument.id}")
        qualifies = people.joiner.joined_at + DAY
        assert refused.startswith(
            "You can't post counterarguments or rebuttals here yet: this server counts only "
            "members who joined at least 24 hours ago, and you joined ")
        assert f"You'll qualify {when(qualifies)}" in refused
        # /counter typed in the thread is refused alike.
        record = await world.emu.run_slash_command(people.joiner, first.thread, "counter",
                                                   {"text": COUNTER})
        assert "joined at least 24 hours ago" in reply_text(await answered(record))
        assert (await click(world, people.veteran, first.opening,
                            f"cp:v:a:{first.argument.id}:-")).startswith("You now disagree.")


async def test_missing_role(world: World, posted: list[Posted], people: People) -> None:
    second = posted[1]
    agree = f"cp:v:a:{second.argument.id}:+"
    async with gated(world, "role", role=people.verified):
        refused = await click(world, people.veteran, second.opening, agree)
        assert refused == (
            "You can't vote here yet: this server counts only members with the "
            f"<@&{people.verified.id}> role. You'll qualify once the server's moderators give "
            "it to you; ask them how.")
        assert (await click(world, people.elder, second.opening, agree)).startswith(
            "You agree.")
    # Cleared: the same click counts.
    assert (await click(world, people.veteran, second.opening, agree)).startswith("You agree.")


async def test_counter_rate(world: World, posted: list[Posted], people: People,
                            store: Store) -> None:
    third = posted[2]
    counter = f"cp:c:a:{third.argument.id}"
    async with gated(world, "counter-rate", per_hour=1):
        await open_form(world, people.elder, third.opening, counter)
        assert (await submit(world, people.elder, third.thread, counter, COUNTER)).startswith(
            "Your counterargument is posted")
        [posted_one] = [c for c in await store.list_contributions(third.argument.id)
                        if c.author_id == people.elder.id]
        refused = await click(world, people.elder, third.opening, counter)
        qualifies = posted_one.created_at.timestamp() + 3600
        assert refused == (
            "You've posted 1 counterargument or rebuttal in the last hour; this server allows 1 "
            f"per member per hour. You can post again {when(qualifies)} "
            f"(<t:{math.ceil(qualifies)}:f>).")
        # Others are not held back by the elder's posts.
        await open_form(world, people.veteran, third.opening, counter)


async def test_established_tally_beside_the_full_one(
        world: World, posted: list[Posted], people: People) -> None:
    second = posted[1]  # the elder and the veteran agree with it (test_missing_role)
    agree = f"cp:v:a:{second.argument.id}:+"
    async with gated(world, "established", days=30):
        await click(world, people.newbie, second.opening, agree)
        await shows(world, second.opening, ["Agree · 3 (2 established)", "Disagree · 0",
                                            "Counter"])
    # Off, the two tallies are one: the next refresh shows the full one alone.
    await click(world, people.joiner, second.opening, agree)
    await shows(world, second.opening, ["Agree · 4", "Disagree · 0", "Counter"])


async def test_a_setting_change_keeps_every_vote(
        world: World, posted: list[Posted], people: People, store: Store) -> None:
    third = posted[2]
    target = VoteTarget.argument(third.argument.id)
    await click(world, people.newbie, third.opening, f"cp:v:a:{third.argument.id}:-")
    await click(world, people.veteran, third.opening, f"cp:v:a:{third.argument.id}:+")
    await shows(world, third.opening, ["Agree · 1", "Disagree · 1", "Counter"])

    async with gated(world, "account-age", days=7):
        # The newbie's vote no longer counts, and this week's buttons say so at once.
        assert await store.tally(target) == Tally(1, 0)
        await shows(world, third.opening, ["Agree · 1", "Disagree · 0", "Counter"])
        await click(world, people.elder, third.opening, f"cp:v:a:{third.argument.id}:+")
        await shows(world, third.opening, ["Agree · 2", "Disagree · 0", "Counter"])
    # Lifted: the newbie's vote was kept all along.
    assert await store.tally(target) == Tally(2, 1)
    assert await store.get_vote(target, people.newbie.id) == -1
    await shows(world, third.opening, ["Agree · 2", "Disagree · 1", "Counter"])
    await click(world, people.joiner, third.opening, f"cp:v:a:{third.argument.id}:-")
    await shows(world, third.opening, ["Agree · 2", "Disagree · 2", "Counter"])


async def test_counter_rate_changes_refresh_no_buttons(world: World, posted: list[Posted]
                                                       ) -> None:
    text = await command(world, world.admin, "config gates counter-rate", {"per_hour": 5})
    assert "brought up to date" not in text
    await command(world, world.admin, "config gates counter-rate", {"per_hour": 0})


async def test_a_non_moderator_cannot_change_the_gates(world: World, people: People) -> None:
    text = await command(world, people.veteran, "config gates account-age", {"days": 30})
    assert text.startswith("Only moderators can change this server's settings")


# --- changed my mind ------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def counter_message(world: World, posted: list[Posted], people: People,
                          store: Store) -> tuple[Message, int]:
    second = posted[1]
    counter = f"cp:c:a:{second.argument.id}"
    await open_form(world, people.veteran, second.opening, counter)
    assert (await submit(world, people.veteran, second.thread, counter, COUNTER)).startswith(
        "Your counterargument is posted")
    [contribution] = [c for c in await store.list_contributions(second.argument.id)
                      if c.author_id == people.veteran.id]
    await world.emu.wait_for(lambda: any(
        m.id == contribution.message_id for m in world.emu.messages(second.thread)), 10)
    assert contribution.message_id is not None
    return world.emu.message(contribution.message_id), contribution.id


def buttons(awards: int) -> list[str]:
    award = "Changed my mind" if not awards else f"Changed my mind · {awards}"
    return ["Agree · 0", "Disagree · 0", "Rebut", award, "Edit", "Withdraw"]


async def test_an_award_needs_an_explanation_and_not_ones_own(
        world: World, posted: list[Posted], people: People,
        counter_message: tuple[Message, int], store: Store) -> None:
    message, counter_id = counter_message
    award = f"cp:m:c:{counter_id}"
    form = await open_form(world, people.elder, message, award)
    [row] = form.modal["components"]  # type: ignore[index]
    field = row["components"][0] if "components" in row else row["component"]
    assert (field["min_length"], field["max_length"], field["required"]) == (50, 300, True)
    assert await submit(world, people.elder, posted[1].thread, award, "Good point.") == (
        "Your reason is 11 characters; the minimum here is 50. Add a little more of your "
        "reasoning and send it again.")
    assert await store.list_awards(contribution_id=counter_id) == []
    assert (await click(world, people.veteran, message, award)).startswith(
        "You can't credit your own contribution with changing your mind.")


async def test_award_once_then_withdraw_within_a_day(
        world: World, posted: list[Posted], people: People,
        counter_message: tuple[Message, int], store: Store) -> None:
    message, counter_id = counter_message
    award = f"cp:m:c:{counter_id}"
    thread = posted[1].thread
    await open_form(world, people.elder, message, award)
    assert (await submit(world, people.elder, thread, award, CREDIT)).startswith(
        "Noted: this counterargument changed your mind.")
    await shows(world, message, buttons(1))

    # A second click: once per member, with the offer to withdraw it.
    again = await answered(await world.emu.click_button(people.elder, message, award))
    assert "You credited this with changing your mind" in reply_text(again)
    assert "You can withdraw it until <t:" in reply_text(again)
    assert await submit(world, people.elder, thread, award, CREDIT) == (
        "You've already credited this contribution with changing your mind. Each member can "
        "do that once per contribution.")
    assert await store.count_awards(counter_id) == 1

    assert again.original is not None
    withdrawn = await click(world, people.elder, again.original, f"cp:u:c:{counter_id}")
    assert withdrawn.startswith('Your "changed my mind" is withdrawn')
    await shows(world, message, buttons(0))
    [kept] = await store.list_awards(contribution_id=counter_id)
    assert kept.withdrawn_at is not None and not kept.active


async def test_a_moderator_revokes_an_award(
        world: World, posted: list[Posted], people: People,
        counter_message: tuple[Message, int], store: Store) -> None:
    message, counter_id = counter_message
    award = f"cp:m:c:{counter_id}"
    await open_form(world, people.joiner, message, award)
    assert (await submit(world, people.joiner, posted[1].thread, award, CREDIT)).startswith(
        "Noted")
    await shows(world, message, buttons(1))
    given = await store.get_member_award(people.joiner.id, counter_id)
    assert given is not None

    link = f"https://discord.com/channels/{world.guild.id}/{posted[1].thread.id}/{message.id}"
    listing = await command(world, world.admin, "awards list", {"message": link})
    assert f"**#{given.id}** by <@{people.joiner.id}>" in listing and CREDIT in listing
    assert (await command(world, people.veteran, "awards revoke",
                          {"award": given.id, "reason": "Alt account"})).startswith(
        "Only moderators can manage \"changed my mind\" awards")
    done = await command(world, world.admin, "awards revoke",
                         {"award": given.id, "reason": "Alt account of the author"})
    assert done.startswith(f"Award #{given.id} is revoked")
    await shows(world, message, buttons(0))
    assert await store.count_awards(counter_id) == 0
    [entry] = [e for e in await store.list_moderation(world.guild.id)
               if e.action == "award.revoke"]
    assert (entry.actor_id, entry.target) == (world.admin.id, f"award:{given.id}")
    assert "Alt account of the author" in (entry.details or "")
    assert (await click(world, people.joiner, message, award)) == (
        "A moderator revoked your credit to this contribution (Alt account of the author), "
        "so you can't give it again.")


async def test_boards_opt_in_and_out(world: World, people: People, store: Store) -> None:
    text = await command(world, people.elder, "boards opt-in", {"name": "Elder *Statesman*"})
    assert "public boards as **Elder \\*Statesman\\***" in text
    assert await store.board_names(world.guild.id) == {people.elder.id: "Elder *Statesman*"}
    assert (await command(world, people.elder, "boards opt-out")).startswith(
        "You're off the public boards")
    assert await store.board_names(world.guild.id) == {}
