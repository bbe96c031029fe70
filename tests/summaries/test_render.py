"""Markdown, CSV, JSON, embeds and the chart, from weeks built through the store API."""

from __future__ import annotations

import csv
import io
import json
import struct

from bot.embeds import size, total_length
from bot.emulator.errors import APIError
from bot.emulator.validation import check_message
from bot.store import AGREE, DISAGREE, Store, VoteTarget
from bot.summaries import (
    CHART_FILENAME,
    EmbedSpec,
    WeeklySummary,
    attachments,
    build_summary,
    to_chart_png,
    to_csv,
    to_dict,
    to_embeds,
    to_json,
    to_markdown,
)
from tests.summaries.helpers import GUILD, WEEK, at, debate_week, make_piece, publish

LINK = f"https://discord.com/channels/{GUILD}"


def assert_within_discord_limits(embeds: list[EmbedSpec]) -> None:
    assert 1 <= len(embeds) <= 10
    assert total_length(embeds) <= 6000
    for embed in embeds:
        assert 0 < size(embed.title) <= 256
        assert size(embed.description) <= 4096
        assert len(embed.fields) <= 25
        assert size(embed.footer) <= 2048
        for field in embed.fields:
            assert 0 < size(field.name) <= 256 and 0 < size(field.value) <= 1024
    # The emulator's validator is written from Discord's documentation: it must agree.
    try:
        check_message({"embeds": [e.to_dict() for e in embeds]}, file_count=4)
    except APIError as error:  # pragma: no cover - the message says which limit
        raise AssertionError(f"Discord would refuse these embeds: {error}") from error


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def _week(store: Store) -> WeeklySummary:
    await debate_week(store)
    return await build_summary(store, GUILD, WEEK, now=at(8))


async def test_markdown(store: Store) -> None:
    text = to_markdown(await _week(store))
    lines = text.splitlines()
    assert lines[0] == "# Weekly summary · 2026-W47"
    assert lines[2] == "Mon 16 Nov – Sun 22 Nov 2026 · Europe/London"
    assert ("**2 pieces · 18 votes · 3 counterarguments · 2 rebuttals · 9 members · "
            "6 new voices · 2 changed minds**") in lines
    assert ("vs 2026-W46: pieces +1, votes +16, counterarguments +2, rebuttals +2, "
            "members +6, new voices +3, changed minds +2") in lines
    assert (f"1. [Build more housing](<https://example.org/housing>) — A. Writer, The Example "
            f"· 3 arguments · [discussion]({LINK}/222222222222222222/7000)") in lines
    assert (f"[2\\. Zoning blocks homes]({LINK}/7020) in *Build more housing*: "
            "3 agree / 3 disagree of 6 votes, 1 counter.") in lines
    assert "> Supply alone will not fix prices when land is the scarce thing." in lines
    assert (f"On [1\\. Supply lowers rents]({LINK}/7010/7012) in *Build more housing* · "
            "net +2 (3 agree, 1 disagree)") in lines
    assert (f"- “The zoning data convinced me.” — credited [a counterargument]"
            f"({LINK}/7020/7022) on 2\\. Zoning blocks homes (*Build more housing*): "
            "“Zoning is not the binding constraint in most towns; financing is.”") in lines
    assert f"- [3\\. Density is green]({LINK}/7030) (*Build more housing*) · 1 vote" in lines
    assert "- 2\\. Access improves (*Remote exams work*) · 0 votes" in lines
    assert f"| 1 | [1\\. Supply lowers rents]({LINK}/7010) | 4 | 2 | 1 | 1 |" in lines
    assert "| 2 | 2\\. Access improves | 0 | 0 | 0 | 0 |" in lines
    assert "9 members took part: 6 new voices, 3 regulars." in lines
    assert ("Members are counted, never named, unless they opted in to public boards "
            "(/boards opt-in): then the awards board names them.") in lines
    assert "- By 2 members not on public boards: 2 changed minds" in lines
    assert any(line.startswith("*Most contested: among arguments") for line in lines)
    assert any("ties go to the earlier post" in line for line in lines)


async def test_csv(store: Store) -> None:
    summary = await _week(store)
    rows = list(csv.DictReader(io.StringIO(to_csv(summary))))
    assert [(r["number"], r["argument_title"], r["agree"], r["disagree"], r["votes"],
             r["net"], r["counters"], r["rebuttals"], r["most_contested"], r["unanswered"])
            for r in rows] == [
        ("1", "Supply lowers rents", "4", "2", "6", "2", "1", "1", "0", "0"),
        ("2", "Zoning blocks homes", "3", "3", "6", "0", "1", "1", "1", "0"),
        ("3", "Density is green", "1", "0", "1", "1", "0", "0", "0", "1"),
        ("1", "Cheating is rare", "3", "2", "5", "1", "1", "0", "0", "0"),
        ("2", "Access improves", "0", "0", "0", "0", "0", "0", "0", "1"),
    ]
    assert {r["iso_week"] for r in rows} == {"2026-W47"}
    assert rows[0]["link"] == f"{LINK}/7010" and rows[3]["link"] == ""
    assert [r["piece_index"] for r in rows] == ["1", "1", "1", "2", "2"]


async def test_json(store: Store) -> None:
    summary = await _week(store)
    data = json.loads(to_json(summary))
    assert data == to_dict(summary)
    assert list(data) == [
        "schema", "guild_id", "iso_week", "timezone", "start", "end", "generated_at",
        "complete", "empty", "message", "figures", "previous_week", "change", "pieces",
        "arguments", "most_contested", "unanswered", "strongest_counter",
        "strongest_rebuttal", "mind_changes", "awards_board", "participation", "rules"]
    assert data["schema"] == "counterpoint.summary/1"
    assert data["guild_id"] == str(GUILD)  # snowflakes as strings
    assert (data["start"], data["end"]) == ("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z")
    assert data["figures"] == {
        "iso_week": "2026-W47", "pieces": 2, "arguments": 5, "votes": 18, "agree": 11,
        "disagree": 7, "counters": 3, "rebuttals": 2, "members": 9, "newcomers": 6,
        "regulars": 3, "mind_changes": 2}
    assert data["change"]["votes"] == 16
    by_id = {a["argument_id"]: a for a in data["arguments"]}
    assert by_id[data["most_contested"]]["label"] == "2. Zoning blocks homes"
    assert [by_id[i]["label"] for i in data["unanswered"]] == [
        "3. Density is green", "2. Access improves"]
    assert data["strongest_counter"]["net"] == 2 and data["strongest_counter"]["awards"] == 0
    assert data["strongest_rebuttal"]["excerpt"] == "Rents fell where supply rose."
    assert [m["reason"] for m in data["mind_changes"]] == [
        "The zoning data convinced me.", None]
    assert data["participation"] == {"members": 9, "newcomers": 6, "regulars": 3,
                                     "names_shown": False}
    assert data["awards_board"] == {"named": [], "others": {"members": 2, "awards": 2}}


async def test_embeds_and_attachments(store: Store) -> None:
    summary = await _week(store)
    embeds = to_embeds(summary)
    assert_within_discord_limits(embeds)
    overview = embeds[0]
    assert overview.title == "Weekly summary · 2026-W47"
    names = [f.name for f in overview.fields]
    assert names == ["Pieces (2)", "Most contested", "Strongest counterargument",
                     "Strongest rebuttal", "Changed minds (2)", "Not yet countered (2)"]
    # The argument's label is outside text: beside the link, not its label.
    assert f"2\\. Zoning blocks homes ([thread]({LINK}/7020))" in overview.fields[1].value
    assert "P2 · 2\\. Access improves: 0 agree · 0 disagree · 0 counters" in (
        embeds[1].description)
    assert embeds[-1].image == f"attachment://{CHART_FILENAME}"
    files = attachments(summary)
    assert [name for name, _ in files] == ["summary.md", "summary.csv", "summary.json",
                                           "chart.png"]
    assert files[0][1].decode() == to_markdown(summary)


async def test_fifty_pieces_stay_within_embed_limits(store: Store) -> None:
    long_url = "https://news.example.org/opinion/" + "very-long-slug-" * 20
    for p in range(50):
        titles = [f"Argument {n} of piece {p}: " + "a long claim about policy " * 4
                  for n in range(1, 4)]
        _, args = await publish(
            store, make_piece(f"{long_url}{p}" if p % 2 else f"https://e.example/{p}",
                              f"Piece {p}: " + "an op-ed headline that goes on " * 5,
                              titles), at(0, 1 + p), message_base=10_000 * (p + 1))
        for i, argument in enumerate(args):
            target = VoteTarget.argument(argument.id)
            for member in range(1, 2 + (p + i) % 5):
                await store.cast_vote(target, member, AGREE if member % 2 else DISAGREE,
                                      now=at(1, p))
            if i == 0:
                counter = await store.add_contribution(
                    argument.id, 100 + p, "A counterargument " * 30, now=at(2, p))
                await store.award_changed_mind(200 + p, counter.id, "Because " * 60,
                                               now=at(3, p))
    summary = await build_summary(store, GUILD, WEEK, "Europe/London", now=at(8))
    assert len(summary.pieces) == 50 and len(summary.arguments) == 150
    embeds = to_embeds(summary)
    assert_within_discord_limits(embeds)
    pieces = embeds[0].fields[0]
    assert pieces.name == "Pieces (50)" and "more" in pieces.value.splitlines()[-1]
    assert embeds[1].description.splitlines()[-1].endswith("more in summary.csv")
    shown = len(embeds[1].description.splitlines()) - 1
    assert embeds[1].description.splitlines()[-1] == f"…and {150 - shown} more in summary.csv"
    # The attachments carry everything the embeds had to leave out.
    assert len(list(csv.DictReader(io.StringIO(to_csv(summary))))) == 150
    assert len(json.loads(to_json(summary))["mind_changes"]) == 50
    width, height = png_size(to_chart_png(summary))
    assert width == 1100 and 800 <= height <= 1300  # 20 bars, not 150


async def test_empty_week_in_every_format(store: Store) -> None:
    summary = await build_summary(store, GUILD, "2026-W01", "UTC", now=at(60))
    text = to_markdown(summary)
    assert text.startswith("# Weekly summary · 2026-W01\n\nMon 29 Dec 2025 – Sun 4 Jan 2026")
    assert "A quiet week: no new pieces, no votes and no counterarguments." in text
    assert len(text) < 400
    assert to_csv(summary).splitlines() == [
        "iso_week,piece_index,piece_id,piece_title,argument_id,number,argument_title,"
        "agree,disagree,votes,net,counters,rebuttals,most_contested,unanswered,link"]
    data = json.loads(to_json(summary))
    assert data["empty"] is True and data["message"].startswith("A quiet week")
    assert data["arguments"] == [] and data["most_contested"] is None
    embeds = to_embeds(summary)
    assert_within_discord_limits(embeds)
    assert len(embeds) == 1 and "A quiet week" in embeds[0].description
    width, height = png_size(to_chart_png(summary))
    assert (width, height) == (1100, 330)


async def test_quiet_week_after_a_busy_one_says_so(store: Store) -> None:
    await debate_week(store)
    summary = await build_summary(store, GUILD, "2026-W49", now=at(30))
    assert summary.empty and summary.previous.iso_week == "2026-W48"
    summary = await build_summary(store, GUILD, "2026-W48", now=at(30))
    # Only member 10's vote of Monday 00:30 happened in W48 (on a W47 argument).
    assert not summary.empty and summary.figures.members == 1
    assert summary.pieces == () and summary.figures.votes == 0
    assert "No new pieces this week" in to_markdown(summary)
    assert_within_discord_limits(to_embeds(summary))


async def test_titles_are_escaped_and_csv_cells_defused(store: Store) -> None:
    _, (arg,) = await publish(store, make_piece("https://e.example/x", "*Bold* [claim]",
                                                ["=SUM(A1) | pipes_and_stars*"]), at(0, 5))
    await store.cast_vote(VoteTarget.argument(arg.id), 1, DISAGREE, now=at(0, 6))
    summary = await build_summary(store, GUILD, WEEK, "UTC", now=at(8))
    text = to_markdown(summary)
    assert "[\\*Bold\\* \\[claim\\]](<https://e.example/x>)" in text
    assert "| 1 | 1\\. =SUM(A1) \\| pipes\\_and\\_stars\\* | 0 | 1 | 0 | 0 |" in text
    row = next(csv.DictReader(io.StringIO(to_csv(summary))))
    assert row["argument_title"] == "'=SUM(A1) | pipes_and_stars*"
