"""``python -m bot sandbox``: the real bot on the emulator, as a member would see it."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import aiohttp
import discord.http
import pytest

from bot.emulator import Emulator
from bot.sandbox import (
    COUNTER_TEXT,
    MIND_CHANGED_TEXT,
    REBUTTAL_TEXT,
    SAMPLES,
    emulator_settings,
    run_sandbox,
    start_bot,
)
from tests.cli.runner import BROKEN_COG, run_cli


async def transcript_of(piece: Path | None = None) -> str:
    printed: list[str] = []
    assert await run_sandbox(piece, out=printed.append) == 0
    return "\n".join(printed)


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_samples_transcript() -> None:
    text = await transcript_of()
    assert "Posted in" in text
    threads = re.findall(r"^# (.+)$", text, flags=re.MULTILINE)
    assert threads == ["1. The lanes are already paying for themselves.",
                       "2. Half a network is the most dangerous network.",
                       "3. The money is already committed."]
    # The card: title, the thesis and the numbered list linking to each thread.
    assert "┃ Our City Should Stop Apologising for Bike Lanes" in text
    assert len(re.findall(r"┃ \d\. .+ ·", text)) == 3
    assert text.count("[thread](https://discord.com/channels/") == 3
    # Posted from the feed, the piece links to the article's own page, not to the feed.
    assert re.search(r"^  ┃ http://127\.0\.0\.1:\d+/pieces/city_bike_lanes$", text, re.M)
    # Votes from the scripted members, after Dev's switch and Cleo's withdrawal, only totals.
    tallies = re.findall(r"^    \[Agree · (\d+)\]  \[Disagree · (\d+)\]  \[Counter\]$", text,
                         flags=re.MULTILINE)
    assert tallies == [("2", "1"), ("1", "2"), ("3", "1")]
    # The counter, named by its author without a ping, and the rebuttal to it.
    assert "↳ **Counterargument** by @Ada" in text
    assert "↳ **Rebuttal** by @Ben to @Ada's counterargument" in text
    assert flat(COUNTER_TEXT) in flat(text) and flat(REBUTTAL_TEXT) in flat(text)
    first = 'argument 1 ("The lanes are already paying for themselves")'
    assert f"Dev clicks Disagree on {first}: You now disagree. Now 2 agree, 2 disagree." \
        in flat(text)
    assert f"Cleo clicks Disagree on {first}: Your vote is withdrawn. Now 2 agree, 1 disagree." \
        in flat(text)
    # The scripted counter answers the argument it is under, by quoting it.
    assert 'On "The lanes are already paying for themselves": This assumes' in flat(text)
    # And the weekly summary built from the same record.
    assert "# Weekly summary" in text
    assert "1 counterargument · 1 rebuttal" in text
    # Dev credited Ada's counter with changing their mind; the summary quotes the reason.
    assert ("Dev clicks Changed my mind on Ada's counterargument to argument 1: Noted: this "
            "counterargument changed your mind.") in flat(text)
    assert "1 changed mind" in text and MIND_CHANGED_TEXT in text


async def test_what_members_did_names_what_each_click_was_on() -> None:
    text = await transcript_of()
    done = text.split("What members did", 1)[1].split("Weekly summary", 1)[0]
    entries = [flat(entry) for entry in done.split("\n  - ")[1:]]
    assert len(entries) == 17
    on = re.compile(r"\w+ clicks [\w ]+ on (argument \d \(\"[^\"]+\"\)"
                    r"|\w+'s counterargument to argument \d): .+")
    assert [e for e in entries if not on.fullmatch(e)] == []
    # The totals a click reports are those of what it was on: argument 2's start afresh.
    assert entries[4].startswith('Ada clicks Disagree on argument 2 ("Half a network is the '
                                 'most dangerous network"): You disagree. Now 0 agree, 1 disagree.')
    assert "Cleo clicks Agree on Ada's counterargument to argument 1: You agree. Now 1 agree, " \
        "0 disagree." in entries


#: Every link the transcript may show, whole: Discord's (17 to 20 digit ids), the sandbox's
#: piece pages and feed.
WHOLE_LINK = re.compile(r"https://discord\.com/channels/\d{17,20}/\d{17,20}(/\d{17,20})?"
                        r"|http://127\.0\.0\.1:\d+/(pieces/[\w-]+|feed\.xml)")


def assert_links_whole(text: str) -> None:
    """No link is cut across lines (each would then be two pieces, neither a link)."""
    links = re.findall(r"(?:https?|wss?)://[^\s<>()\[\]]*", text)
    assert links
    assert [link for link in links if not WHOLE_LINK.fullmatch(link)] == []
    # Nor does a line end inside one: the rest would start the next line.
    assert not re.search(r"(https?:/?/?|discord\.com/|channels/)$", text, flags=re.M)


async def test_channels_by_name_and_links_whole() -> None:
    text = await transcript_of()
    assert "<#" not in text and "<@" not in text
    assert "/piece post by Morgan → Posted in #debates " in text
    assert_links_whole(text)


async def test_an_unrelated_piece_gets_counters_about_itself() -> None:
    """``--piece`` with a piece on another subject: the scripted members answer its
    arguments, with nothing of the bike-lane sample."""
    text = await transcript_of(SAMPLES / "remote_exams.txt")
    assert "Posted in #debates" in text
    [first] = re.findall(r"^# 1\. (.+)$", text, flags=re.MULTILINE)
    assert f'On "{first.rstrip(".")[:40]}' in flat(text)
    for wording in ("bike", "lane", "shopkeeper", "cycl", "harbour street"):
        assert wording not in text.lower(), wording
    assert_links_whole(text)


async def test_keep_prints_what_another_client_needs_to_connect() -> None:
    printed: list[str] = []
    answers: dict[str, dict[str, object]] = {}

    async def connect_as_printed() -> None:
        details = printed[-1]
        rest = re.search(r"REST base URL: +(\S+)", details)
        assert rest is not None and re.search(r"Gateway URL: +ws://\S+/gateway", details)
        tokens = re.findall(r"Bot token: +(\S+)", details)
        applications = re.findall(r"Application id: +(\d+)", details)
        assert len(tokens) == len(applications) == 2
        channel = re.search(r"Channel: +(\d+) \(#debates\)", details)
        assert channel is not None and re.search(r"Guild: +\d+ \(Counterpoint Sandbox\)",
                                                 details)
        async with aiohttp.ClientSession() as http:
            for token, application in zip(tokens, applications, strict=True):
                headers = {"Authorization": f"Bot {token}"}
                async with http.get(f"{rest[1]}/users/@me", headers=headers) as me:
                    assert me.status == 200
                    answers[application] = await me.json()
                async with http.get(f"{rest[1]}/channels/{channel[1]}",
                                    headers=headers) as seen:
                    assert seen.status == 200 and (await seen.json())["name"] == "debates"

    assert await run_sandbox(None, keep=True, out=printed.append,
                             wait_forever=connect_as_printed) == 0
    # Each token is a bot of its own, the one its application id names.
    assert {a: str(me["id"]) for a, me in answers.items()} == {a: a for a in answers}
    assert [str(me["username"]) for me in answers.values()] == ["Counterpoint", "Your client"]


async def test_seed_piece(shared_dir: Path) -> None:
    text = await transcript_of(shared_dir / "corpus" / "seed_op_ed.txt")
    threads = re.findall(r"^# (\d)\. ", text, flags=re.MULTILINE)
    assert threads == ["1", "2", "3", "4"]
    assert "CLICKING HERE" not in text and "About the Author" not in text


def test_a_bot_that_cannot_start_exits_with_the_reason_and_status_1(tmp_path: Path) -> None:
    """In a real process, so that anything left running (the store's threads) would keep it
    alive: the run must end on its own, with Discord's reason, not hang."""
    (tmp_path / "broken_cog.py").write_text(BROKEN_COG)
    done = run_cli(tmp_path, "sandbox", emulator_token=None, extra_cogs="broken_cog")
    assert done.returncode == 1, done.stderr
    first, *details = done.stderr.strip().splitlines()
    assert first == ("counterpoint: Discord refused the bot's slash commands, so it cannot "
                     "start. Failed to upload commands to Discord (HTTP status 400, error code "
                     "50035)")
    assert "  In command 'broken sub' defined in function 'Broken.sub'" in details
    assert "    description: Must be between 1 and 100 in length." in details
    assert "Traceback" not in done.stderr and done.stdout == ""


def _database_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


async def test_a_stop_while_the_bot_starts_closes_what_it_opened(tmp_path: Path) -> None:
    """A stop signal during start-up: the store the bot opened is closed (its threads would
    keep the process alive), and discord.py points at Discord again."""
    emu = await Emulator().start()
    before = _database_threads()
    try:
        # The store is open and the cogs loaded; the command sync waits on Discord.
        held = emu.hold("/applications/{application_id}/commands", method="GET")
        settings = emulator_settings(f"sqlite:///{tmp_path / 'starting.db'}",
                                     discord_token=emu.token)
        starting = asyncio.create_task(start_bot(emu, settings))
        await emu.wait_for(lambda: held.waiting, 30)
        assert _database_threads() - before
        starting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await starting
        emu.release("/applications/{application_id}/commands")
    finally:
        await emu.stop()
    for thread in _database_threads() - before:
        await asyncio.to_thread(thread.join, 30)
        assert not thread.is_alive()
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_the_feeds_next_piece_goes_through_review() -> None:
    text = await transcript_of()
    review = text.split("Review before posting: the moderator", 1)[1]
    # The review message as moderators see it: why, the preview, the buttons; nothing was
    # posted in #policy before the click.
    assert "Waiting for review** · to be posted in #policy" in review
    assert "┃ Universities Are Learning the Wrong Lesson From Cheating Scandals" in review
    assert "┃   1. It punishes the students who were never the problem. — To begin with" in review
    assert "[Approve]  [Edit split]  [Reject]" in review
    assert "Morgan clicks Approve → Approved. Posted in #policy:" in flat(review)
    assert "Approved** by @Morgan just now" in review
    assert re.findall(r"^  thread: (.+)$", review, flags=re.MULTILINE) == [
        "1. It punishes the students who were never the problem.",
        "2. The exam hall does not test what employers say they want."]
    assert_links_whole(text)


async def test_a_piece_of_ones_own_has_no_review() -> None:
    text = await transcript_of(SAMPLES / "city_bike_lanes.txt")
    assert "Review before posting" not in text
