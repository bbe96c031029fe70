"""The weekly summary's awards board: members who opted in to public boards named, everyone
else only counted; withdrawn and revoked awards left out (recomputed from rows, both
backends)."""

from __future__ import annotations

import json

from bot.store import Store
from bot.summaries import build_summary, to_embeds, to_json, to_markdown
from bot.summaries.model import AwardsBoard, BoardEntry
from tests.summaries.helpers import GUILD, WEEK, at, debate_week


async def test_opted_in_members_are_named_and_the_rest_counted(store: Store) -> None:
    week = await debate_week(store)  # awards: c2 (by member 8) and c4 (by member 9)
    c1, c2 = week.contributions["c1"], week.contributions["c2"]
    await store.opt_in_boards(GUILD, 8, "Ada *the* Analyst", now=at(-1))
    await store.opt_in_boards(GUILD, 7, "Grace", now=at(-1))  # author of c1
    await store.award_changed_mind(4, c1, "The land-price chart settled it.", now=at(6, 11))
    await store.award_changed_mind(6, c2, "Financing data from the appendix.", now=at(6, 12))
    # Taken back, and revoked: neither counts.
    withdrawn = await store.award_changed_mind(1, c1, "Changed my mind back.", now=at(6, 13))
    revoked = await store.award_changed_mind(3, c2, "An alt of the author.", now=at(6, 13))
    assert withdrawn is not None and revoked is not None
    await store.withdraw_award(withdrawn.id, now=at(6, 14))
    await store.revoke_award(revoked.id, 99, "alt account", now=at(6, 14))

    summary = await build_summary(store, GUILD, WEEK, now=at(8))
    assert summary.awards_board == AwardsBoard(
        named=(BoardEntry("Ada *the* Analyst", 2), BoardEntry("Grace", 1)),
        other_members=1, other_awards=1)
    assert summary.figures.mind_changes == 4

    lines = to_markdown(summary).splitlines()
    start = lines.index("## Awards board")
    assert lines[start + 2:start + 5] == [
        "- **Ada \\*the\\* Analyst**: 2 changed minds", "- **Grace**: 1 changed mind",
        "- Also 1 member not on public boards: 1 changed mind"]
    # Nobody else is named anywhere, by name or by id.
    text = to_markdown(summary) + to_json(summary)
    assert "member 9" not in text.lower()
    data = json.loads(to_json(summary))
    assert data["awards_board"] == {
        "named": [{"name": "Ada *the* Analyst", "awards": 2}, {"name": "Grace", "awards": 1}],
        "others": {"members": 1, "awards": 1}}
    assert data["participation"]["names_shown"] is True
    [board] = [f for e in to_embeds(summary) for f in e.fields if f.name == "Awards board"]
    assert "**Ada \\*the\\* Analyst**: 2 changed minds" in board.value

    # Opting out: counted again, not named.
    await store.opt_out_boards(GUILD, 8)
    again = await build_summary(store, GUILD, WEEK, now=at(8))
    assert again.awards_board == AwardsBoard(named=(BoardEntry("Grace", 1),),
                                             other_members=2, other_awards=3)


async def test_a_week_without_awards_has_an_empty_board(store: Store) -> None:
    summary = await build_summary(store, GUILD, WEEK, now=at(8))
    assert summary.awards_board.empty
