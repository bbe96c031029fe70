"""A debate leaves Discord whole: the tree read from the store and its four formats."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from bot.exports import (
    FORMATS,
    ContributionNode,
    DebateRecord,
    KialoFormatError,
    parse_kialo,
    read_debate,
    to_html,
    to_json,
    to_kialo,
    to_markdown,
)
from bot.exports.kialo import KialoClaim
from bot.store import NotFound, Store, VoteTarget
from tests.debate.helpers import ALICE, BOB, CAROL, DAVE, GUILD, T0
from tests.exports.debate import HOSTILE, Debate, make_debate


async def record_of(store: Store) -> tuple[Debate, DebateRecord]:
    debate = await make_debate(store)
    return debate, await read_debate(store, GUILD, debate.world.piece.id, now=T0)


def by_id(record: DebateRecord) -> dict[int, ContributionNode]:
    return {node.id: node for node in record.contributions()}


async def test_the_tree_is_the_record(store: Store) -> None:
    debate, record = await record_of(store)
    assert [a.number for a in record.arguments] == [1, 2, 3]
    first = record.arguments[0]
    # Counters in the order they were posted; each rebuttal under what it answers.
    assert [c.id for c in first.counters] == [debate.first_counter.id, debate.withdrawn.id]
    node = first.counters[0]
    for rebuttal in debate.chain[1:]:
        [node] = node.replies
        assert node.id == rebuttal.id and node.kind == "rebuttal"
    assert node.replies == ()
    # The tallies are the store's.
    assert first.tally == await store.tally(VoteTarget.argument(first.id))
    assert (first.tally.agree, first.tally.disagree) == (2, 1)
    nodes = by_id(record)
    counted = nodes[debate.first_counter.id]
    assert (counted.tally.agree, counted.tally.disagree, counted.minds_changed) == (1, 1, 1)
    assert nodes[debate.chain[1].id].minds_changed == 1
    assert record.arguments[2].counters == ()


async def test_a_withdrawn_contribution_is_a_tombstone_and_its_replies_stay(
        store: Store) -> None:
    debate, record = await record_of(store)
    tomb = by_id(record)[debate.withdrawn.id]
    assert tomb.body is None and tomb.tombstone == "withdrawn by its author"
    assert [reply.id for reply in tomb.replies] == [debate.orphan_reply.id]
    assert tomb.replies[0].body == debate.orphan_reply.body
    for text in (to_kialo(record), to_markdown(record), to_html(record),
                 json.dumps(to_json(record))):
        assert "New towers mostly house investors" not in text
        assert "Vacancy taxes answer that" in text


async def test_a_removed_contribution_is_a_tombstone_naming_the_reason(store: Store) -> None:
    debate = await make_debate(store)
    counter = debate.first_counter
    await store.remove_contribution(counter.id, moderator_id=ALICE, reason="Insults a member")
    record = await read_debate(store, GUILD, debate.world.piece.id, now=T0)
    tomb = by_id(record)[counter.id]
    assert tomb.body is None
    assert tomb.tombstone == "removed by a moderator: Insults a member"
    assert (tomb.tally.agree, tomb.tally.disagree) == (0, 0)  # its votes are out meanwhile
    assert [reply.id for reply in tomb.replies] == [debate.chain[1].id]
    for text in (to_kialo(record), to_markdown(record), to_html(record),
                 json.dumps(to_json(record))):
        assert counter.body not in text and "removed by a moderator: Insults a member" in text
        assert debate.chain[1].body.split("\n")[0][:30] in text
    assert to_json(record)["arguments"][0]["counterarguments"][0]["removed"] == (
        "removed by a moderator: Insults a member")
    await store.restore_contribution(counter.id)
    back = by_id(await read_debate(store, GUILD, debate.world.piece.id, now=T0))[counter.id]
    assert back.body == counter.body and back.tombstone is None
    assert (back.tally.agree, back.tally.disagree) == (1, 1)


async def test_members_are_numbered_by_first_appearance_unless_named(store: Store) -> None:
    debate, record = await record_of(store)
    nodes = by_id(record)
    # ALICE posted first, then BOB, CAROL, DAVE: one number each, the same wherever they are.
    expected = {ALICE: "Member 1", BOB: "Member 2", CAROL: "Member 3", DAVE: "Member 4"}
    for contribution in [*debate.chain, debate.withdrawn, debate.orphan_reply, debate.hostile]:
        assert nodes[contribution.id].author == expected[contribution.author_id]
    named = await read_debate(store, GUILD, debate.world.piece.id, names={BOB: "Bob B."})
    named_nodes = by_id(named)
    assert named_nodes[debate.chain[1].id].author == "Bob B."
    assert named_nodes[debate.chain[3].id].author == "Member 2"  # CAROL moves up a number
    for text in (to_html(record), to_markdown(record), json.dumps(to_json(record))):
        for member in (ALICE, BOB, CAROL, DAVE):
            assert str(member) not in text


async def test_another_server_cannot_read_the_debate(store: Store) -> None:
    debate = await make_debate(store)
    with pytest.raises(NotFound):
        await read_debate(store, GUILD + 1, debate.world.piece.id)
    with pytest.raises(NotFound):
        await read_debate(store, GUILD, debate.world.piece.id + 999)


def claims(claim: KialoClaim) -> list[tuple[int, str | None, str]]:
    """The tree as (depth, stance, text) rows, depth first."""
    rows: list[tuple[int, str | None, str]] = []

    def walk(node: KialoClaim, depth: int) -> None:
        rows.append((depth, node.stance, node.text))
        for child in node.children:
            walk(child, depth + 1)

    walk(claim, 0)
    return rows


def expected_claims(record: DebateRecord) -> list[tuple[int, str | None, str]]:
    rows: list[tuple[int, str | None, str]] = [(0, None, record.thesis)]

    def walk(node: ContributionNode, depth: int) -> None:
        text = node.body if node.body is not None else f"[{node.tombstone}]"
        rows.append((depth, "Con", " ".join(text.split())))
        for reply in node.replies:
            walk(reply, depth + 1)

    for argument in record.arguments:
        rows.append((1, "Pro", " ".join(argument.claim.split())))
        for counter in argument.counters:
            walk(counter, 2)
    return rows


async def test_kialo_round_trip_gives_the_same_tree(store: Store) -> None:
    _, record = await record_of(store)
    text = to_kialo(record)
    assert text.startswith("Discussion Title: Build, baby, build\n\n1. Cities should build")
    assert "\n1.1. Pro: Reason 1: The text of reason 1.\n1.1.1. Con: Rents follow" in text
    assert "\n1.1.1.1.1.1.1. Con: Rebuttal at depth 4" in text  # thesis, argument, 5 deep
    assert "\n1.1.2. Con: [withdrawn by its author]\n1.1.2.1. Con: Vacancy taxes" in text
    discussion = parse_kialo(text)
    assert discussion.title == "Build, baby, build"
    assert claims(discussion.thesis) == expected_claims(record)
    # A member's line break never starts a claim of its own.
    assert all(line.startswith(("Discussion Title: ", "1")) for line in text.splitlines()
               if line)


@pytest.mark.parametrize(("text", "fault"), [
    ("", "Discussion Title"),
    ("Discussion Title: x\n\n1.1. Pro: no thesis first", "out of place"),
    ("Discussion Title: x\n\n1. t\n1.2. Pro: skips 1.1", "out of place"),
    ("Discussion Title: x\n\n1. t\n1.1. a claim without a stance", "out of place"),
    ("Discussion Title: x\n\n1. t\nstray text", "line 3 is not a numbered claim"),
    ("Discussion Title: x\n\n", "no thesis"),
])
def test_kialo_text_out_of_shape_is_refused_with_its_line(text: str, fault: str) -> None:
    with pytest.raises(KialoFormatError, match=fault):
        parse_kialo(text)


async def test_json_holds_the_whole_tree(store: Store) -> None:
    debate, record = await record_of(store)
    data = json.loads(FORMATS["json"].render(record))
    assert (data["format"], data["version"]) == ("counterpoint-debate", 1)
    assert data["guild_id"] == str(GUILD)  # snowflakes exceed JavaScript's exact integers
    assert data["piece"]["title"] == "Build, baby, build"
    first = data["arguments"][0]
    assert first["tally"] == {"agree": 2, "disagree": 1}
    node = first["counterarguments"][0]
    assert node["minds_changed"] == 1 and node["author"] == "Member 1"
    depth = 0
    while node["rebuttals"]:
        node, depth = node["rebuttals"][0], depth + 1
    assert depth == 4 and node["id"] == debate.chain[-1].id
    tomb = first["counterarguments"][1]
    assert tomb["body"] is None and tomb["removed"] == "withdrawn by its author"
    assert tomb["rebuttals"][0]["body"] == debate.orphan_reply.body
    assert data["arguments"][1]["counterarguments"][0]["body"] == HOSTILE


class Elements(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


async def test_markdown_shows_members_text_as_written(store: Store) -> None:
    _, record = await record_of(store)
    html = MarkdownIt("commonmark").render(to_markdown(record))
    rendered = Elements(html)
    tags = {tag for tag, _ in rendered.tags}
    assert not tags & {"script", "img", "h3", "h4", "ol"}
    links = dict(re.findall(r'<a href="([^"]*)">([^<]*)</a>', html))
    assert links["https://example.org/op-ed"] == "the piece"
    # A member's address stays a link only as itself: no text of theirs can hide where it goes.
    assert links["http://evil.example/phish"] == "http://evil.example/phish"
    shown = "".join(rendered.text)
    assert "[the data](http://evil.example/phish)" in shown
    assert "<script>alert(1)</script>" in shown and "||this||" in shown


async def test_the_page_is_self_contained_semantic_and_inert(store: Store) -> None:
    _, record = await record_of(store)
    page = to_html(record)
    parsed = Elements(page)
    tags = [tag for tag, _ in parsed.tags]
    for landmark in ("header", "nav", "main", "footer", "h1", "h2", "section", "article"):
        assert landmark in tags, landmark
    assert "script" not in tags and "img" not in tags
    # Nothing to fetch: no stylesheet, image, font or frame from anywhere.
    for tag, attrs in parsed.tags:
        assert not {"src", "srcset"} & attrs.keys(), tag
        assert tag != "link", attrs
    links = {attrs["href"] for tag, attrs in parsed.tags if tag == "a"}
    assert "https://example.org/op-ed" in links
    assert "http://evil.example/phish" not in links
    assert "<script>alert(1)</script>" in "".join(parsed.text)


def test_every_format_is_offered_once() -> None:
    assert sorted(FORMATS) == ["html", "json", "kialo", "md"]
    assert all(fmt.suffix.startswith(".") and fmt.description for fmt in FORMATS.values())
