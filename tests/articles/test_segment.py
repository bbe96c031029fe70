"""Argument segmentation against original pieces written for these tests, and the seed op-ed.

Each piece in ``pieces/`` is plain text, paragraphs separated by blank lines. ``readings.json``
beside them holds the reading a careful reader would give each: the announced count, the
markers exactly as written (None for an unmarked argument), the argument titles, and how the
conclusion and thesis begin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles.model import Article, Block, BlockKind, Piece
from bot.articles.segment import TITLE_MAX, segment
from bot.articles.sentences import sentences_before
from bot.articles.signoff import signoff_start

PIECES = Path(__file__).parent / "corpus" / "pieces"
READINGS = PIECES.parent / "readings.json"


@dataclass(frozen=True)
class Prefix:
    """A title asserted by its beginning (long titles are clipped with an ellipsis)."""

    text: str


@dataclass(frozen=True)
class Case:
    name: str
    announced: int | None
    markers: list[str | None]
    titles: list[str | Prefix] = field(default_factory=list)
    conclusion: str | None = None
    thesis: str = ""


def load(name: str, **meta: object) -> Article:
    text = (PIECES / f"{name}.txt").read_text(encoding="utf-8")
    paragraphs = tuple(p.strip() for p in text.split("\n\n") if p.strip())
    return Article.from_paragraphs(paragraphs, **meta)  # type: ignore[arg-type]


def _read(*paragraphs: str, explain: bool = False) -> Piece:
    """The splitter's reading of a piece given as its paragraphs."""
    return segment(Article.from_paragraphs(paragraphs), explain=explain)


def _markers_of(*paragraphs: str) -> list[str | None]:
    return [a.marker for a in _read(*paragraphs).arguments]


def _case(reading: dict[str, Any]) -> Case:
    titles = [Prefix(t["starts"]) if isinstance(t, dict) else t for t in reading["titles"]]
    return Case(reading["piece"], reading["announced"], reading["markers"], titles,
                reading["conclusion"], reading["thesis"])


#: The reading of every tidy piece, kept beside the pieces (``corpus/readings.json``; a title
#: given as ``{"starts": ...}`` is asserted by its beginning).
CASES = [_case(reading) for reading in
         json.loads(READINGS.read_text(encoding="utf-8"))["readings"]]


def test_every_case_has_its_piece() -> None:
    assert all((PIECES / f"{c.name}.txt").is_file() for c in CASES)
    assert len(CASES) >= 22


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_piece_reads_as_expected(case: Case) -> None:
    piece = segment(load(case.name))
    assert piece.announced_count == case.announced
    assert [a.marker for a in piece.arguments] == case.markers
    assert [a.number for a in piece.arguments] == list(range(1, len(case.markers) + 1))
    assert len(piece.arguments) == len(case.titles)
    for argument, title in zip(piece.arguments, case.titles, strict=True):
        if isinstance(title, Prefix):
            assert argument.title.startswith(title.text), argument.title
        else:
            assert argument.title == title
    if case.conclusion is None:
        assert piece.conclusion is None
    else:
        assert piece.conclusion is not None and piece.conclusion.startswith(case.conclusion)
    assert piece.thesis.startswith(case.thesis)
    _assert_well_formed(piece)


def _assert_well_formed(piece: Piece) -> None:
    """What every reading must satisfy, whatever the input."""
    assert isinstance(piece.thesis, str)
    assert [a.number for a in piece.arguments] == list(range(1, len(piece.arguments) + 1))
    for argument in piece.arguments:
        assert argument.title.strip()
        assert len(argument.title) <= TITLE_MAX
        assert argument.text.strip()
        if argument.marker is not None:
            # At the start, or just under the crosshead the argument opens with.
            assert argument.marker in argument.text[:len(argument.marker) + 160]
    assert len(piece.arguments) != 1  # one argument is no enumeration


# -- the seed op-ed -----------------------------------------------------------------------


def _seed_article(shared_dir: Path) -> Article:
    path = shared_dir / "corpus" / "seed_op_ed.txt"
    if not path.is_file():
        pytest.skip("seed op-ed is not present in ../shared")
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    paragraphs = paragraphs[1:]  # the syndication notice
    paragraphs = [p for p in paragraphs if "Image Credit" not in p]
    bio = next(i for i, p in enumerate(paragraphs) if p.startswith("About the Author"))
    return Article.from_paragraphs(tuple(paragraphs[:bio]), title="Seed", author="A. Writer",
                   url="https://example.org/seed", outlet="Example",
                   removed_boilerplate=("About the Author",))


def test_seed_op_ed(shared_dir: Path) -> None:
    piece = segment(_seed_article(shared_dir))
    assert piece.announced_count == 4
    assert [a.marker for a in piece.arguments] == ["For starters", None, "The third reason",
                                                   "Finally"]
    openings = ["For starters", "But we do know", "The third reason", "Finally"]
    for argument, opening in zip(piece.arguments, openings, strict=True):
        assert argument.text.startswith(opening)
    assert piece.arguments[0].title == "Nothing he says can be believed."
    # The second argument runs over two paragraphs, up to "The third reason".
    assert piece.arguments[1].text.count("\n\n") == 1
    assert "Boris Yeltsin" in piece.arguments[1].text
    # "two reasons" inside the fourth argument starts no new list.
    assert "is thus of importance for two reasons" in piece.arguments[3].text
    assert piece.arguments[3].text.endswith("negotiating in good faith with Ukraine.")
    assert piece.conclusion is not None
    assert piece.conclusion.startswith("For peace to be thinkable")
    assert piece.conclusion.endswith("extremely, and unnecessarily, high.")
    assert piece.thesis.startswith("Put simply, Russia’s genocidal war")
    assert "four reasons" not in piece.thesis
    assert piece.title == "Seed" and piece.author == "A. Writer"
    assert piece.url == "https://example.org/seed" and piece.outlet == "Example"
    assert piece.removed_boilerplate == ("About the Author",)
    _assert_well_formed(piece)


def test_seed_without_its_announcement_still_reads_four(shared_dir: Path) -> None:
    article = _seed_article(shared_dir)
    paragraphs = tuple(p for p in article.paragraphs if not p.startswith("There are four"))
    piece = _read(*paragraphs)
    assert piece.announced_count is None
    assert [a.marker for a in piece.arguments] == ["For starters", None, "The third reason",
                                                   "Finally"]


# -- particular behaviours ----------------------------------------------------------------


def test_arguments_cover_the_body_in_order() -> None:
    """Every paragraph from the first argument to the conclusion lands in exactly one argument."""
    article = load("seedlike_island_ferries")
    piece = segment(article)
    joined = "\n\n".join(a.text for a in piece.arguments)
    start = next(i for i, p in enumerate(article.paragraphs) if p.startswith("For starters"))
    end = next(i for i, p in enumerate(article.paragraphs) if p.startswith("For the service"))
    assert joined == "\n\n".join(article.paragraphs[start:end])


def test_inline_list_splits_inside_the_paragraph() -> None:
    piece = segment(load("inline_list_zoning"))
    assert piece.thesis.endswith("The rule fails on its own terms.")
    assert piece.arguments[0].text.startswith("First, it does not protect character")
    assert piece.arguments[0].text.endswith("the duplexes the rule forbids.")
    assert piece.arguments[2].text.endswith("impossible to meet.")
    assert piece.conclusion is not None and piece.conclusion.startswith("Councillors")


def test_subheading_arguments_keep_their_body_paragraphs() -> None:
    piece = segment(load("subheadings_startup_lessons"))
    first = piece.arguments[0].text.split("\n\n")
    assert first[0] == "1. Trust is gone"
    assert len(first) == 3


def test_unmarked_argument_prefers_the_discourse_cue() -> None:
    # Two paragraphs sit between "First" and "Third"; the one opening "Worse" starts the second.
    piece = segment(load("unmarked_middle_plastic_bags"))
    assert piece.arguments[1].text.startswith("Worse for the lobby")
    assert "Shoppers complained" in piece.arguments[0].text


def test_footnotes_stay_out_of_the_conclusion() -> None:
    piece = segment(load("footnotes_drug_pricing"))
    assert piece.conclusion == ("In sum, negotiation is not a threat to innovation. It is "
                                "ordinary purchasing, done by the biggest buyer in the market.")


def test_metadata_is_copied_and_json_matches_the_contract() -> None:
    article = load("firstly_sunday_libraries", title="Open on Sundays", author="R. Imani",
                   url="https://example.org/libraries", outlet="The Example",
                   removed_boilerplate=("Subscribe now",))
    piece = segment(article)
    data = piece.to_json()
    assert list(data) == ["title", "author", "url", "thesis", "announced_count", "confidence",
                          "arguments", "conclusion", "removed_boilerplate", "notes"]
    assert data["title"] == "Open on Sundays" and data["author"] == "R. Imani"
    assert data["url"] == "https://example.org/libraries"
    assert piece.outlet == "The Example"
    assert data["removed_boilerplate"] == ["Subscribe now"]
    assert [list(a) for a in data["arguments"]] == [["number", "title", "marker", "text",
                                                     "confidence"]] * 3


def test_segment_is_deterministic() -> None:
    article = load("seedlike_island_ferries")
    assert segment(article) == segment(article)


def test_long_title_is_clipped_at_a_word_with_an_ellipsis() -> None:
    words = " ".join(["considerably"] * 30)
    article = Article.from_paragraphs((
        "The plan is wrong.",
        f"First, it is {words}.",
        "Second, it is late.",
        "Third, it is dear.",
    ))
    title = segment(article).arguments[0].title
    assert len(title) <= TITLE_MAX and title.endswith("…")
    assert title[:-1].endswith("considerably")


def test_two_bare_ordinals_make_a_list() -> None:
    assert _markers_of(
        "The stadium deal is bad for the city.",
        "First, the land was sold below its value.",
        "Second, the promised jobs are seasonal.",
    ) == ["First", "Second"]


@pytest.mark.parametrize("text", [
    "The first time I voted, the queue went round the block.",
    "She was first elected in 2009 and won a second term easily.",
    "Third-party candidates rarely win here, for the second time in a row.",
    "The first thing people notice is the noise. Second-guessing it is pointless.",
    "Last year the council met twice. Next year it will meet once.",
])
def test_narrated_ordinals_are_not_markers(text: str) -> None:
    piece = _read("A column about the town.", text, text, text)
    assert piece.arguments == ()


def test_a_quoted_announcement_is_not_the_writers() -> None:
    piece = segment(load("quoted_list_platform"))
    assert piece.announced_count is None and piece.arguments == ()


# Lists that are something else: a procedure, a list of facts, someone else's list.
NOT_ARGUMENTS = [
    pytest.param((
        "Filing the form is simpler than it looks.",
        "Step 1: Download the form from the council website.",
        "Step 2: Fill in the boxes marked in blue.",
        "Step 3: Post it before the end of the month.",
    ), id="steps_labelled_as_steps_are_a_procedure"),
    pytest.param((
        "The market reopened on Saturday.",
        "Stalls this week included:",
        "- fresh bread from the mill;",
        "- cheese from the hill farms;",
        "- apples, the last of the season.",
    ), id="bullets_without_a_count_or_reason_intro_are_not_arguments"),
    pytest.param((
        "The author of a new book on groups talked to us about it.",
        "Interviewer: What makes a group clever?",
        "Ms Ortiz: Three things. First, members who read each other well. Second, turns "
        "taken fairly. Third, a few women in the room.",
        "Interviewer: Does size matter?",
        "Ms Ortiz: Less than people think, once a group passes five.",
    ), id="a_transcript_is_someone_elses_list"),
    pytest.param((
        "The sale of the ferry company will happen in two steps.",
        "The first step will be the transfer of the vessels to a holding company.",
        "Finally, the holding company will be sold to the highest bidder in March.",
    ), id="a_list_counted_in_steps_describes_a_process"),
    pytest.param((
        "Before anyone writes another letter about the pool, here are the council's own "
        "figures in one place:",
        "1. The pool cost $612,000 to run last year.",
        "2. It took $208,000 in fees.",
        "3. Attendance was 71,300 visits.",
    ), id="a_list_of_facts_is_not_a_list_of_arguments"),
]


@pytest.mark.parametrize("paragraphs", NOT_ARGUMENTS)
def test_lists_that_are_not_arguments(paragraphs: tuple[str, ...]) -> None:
    assert _read(*paragraphs).arguments == ()


def test_list_lines_inside_one_paragraph_are_split() -> None:
    piece = _read(
        "The tram extension is worth its cost.",
        "There are three reasons:\n• it halves journey times;\n• it serves the hospital;\n"
        "• it frees the buses for the suburbs.",
    )
    assert [a.marker for a in piece.arguments] == ["•", "•", "•"]
    assert piece.arguments[1].title == "It serves the hospital;"


# -- odd input ----------------------------------------------------------------------------


ODD_INPUTS = [
    (),
    ("",),
    ("   ", "\n\n", "\t"),
    ("word " * 20000,),
    ("First, " + "x" * 5000 + ". Second, " + "y" * 5000 + ".",),
    ("\u200b\ufeff\u0000 ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ —–‐ «»„“”‚‘’", "First,", "Second,", "Finally,"),
    tuple(f"{i}." for i in range(1, 40)),
    tuple("p" for _ in range(500)),
    tuple(f"{['First', 'Second', 'Third'][i % 3]}, point {i}." for i in range(500)),
    ("1. a", "2. b", "(1) c", "(2) d", "#1 e", "#2 f", "Reason 1: g", "Reason 2: h"),
    ("Finally,", "Lastly", "Another reason", "The first is", "One reason"),
    ("“First, quoted. Second, quoted.", "” First, after. Second, after.”"),
    ("There are 99 reasons.", "There are 0 reasons.", "There are two reasons for three ways."),
    ("- ", "* ", "• ", "1) ", "(1)", "#1", "I.", "II.", "No. 1", "No."),
]


@pytest.mark.parametrize("paragraphs", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_odd_input_never_raises(paragraphs: tuple[str, ...]) -> None:
    piece = _read(*paragraphs)
    _assert_well_formed(piece)


_FRAGMENTS = [
    "First,", "Second,", "Third,", "Finally,", "For starters,", "The third reason",
    "Another reason is", "1.", "2)", "(3)", "#4", "Reason #2:", "•", "In short,",
    "There are four reasons.", "But", "Moreover,", "the first time", "“First, quoted.",
    "1991:", "Preheat the oven.", "See Smith (2020), p. 4.", "word", "another word.",
    "A sentence that ends here.", "Ünïcödé ✓", "", "   ",
]
# Paragraphs made of marker-like fragments, with arbitrary text mixed in.
_PARAGRAPHS = st.lists(
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=30)), max_size=12)
    .map(" ".join),
    max_size=15)


@settings(max_examples=300)
@given(_PARAGRAPHS)
def test_generated_pieces_are_always_well_formed(paragraphs: list[str]) -> None:
    _assert_well_formed(_read(*paragraphs))


@pytest.mark.parametrize(("openings", "markers"), [
    (["Firstly, a.", "Secondly, b.", "Lastly, c."], ["Firstly", "Secondly", "Lastly"]),
    (["First and foremost, a.", "The second reason is b and c.", "The final reason is d and e."],
     ["First and foremost", "The second reason", "The final reason"]),
    (["For one thing, a.", "For another, b.", "Third, c."], ["For one thing", "For another",
                                                             "Third"]),
    (["In the first place, a.", "In the second place, b."], ["In the first place",
                                                             "In the second place"]),
    (["1) It costs too much.", "2) It would not work.", "3) Nobody asked for it."],
     ["1)", "2)", "3)"]),
    (["No. 1 It costs too much.", "No. 2 It would not work."], ["No. 1", "No. 2"]),
    (["Reason one: a.", "Reason two: b."], ["Reason one:", "Reason two:"]),
    (["First, a.", "Second, b.", "And finally, c."], ["First", "Second", "And finally"]),
])
def test_marker_families(openings: list[str], markers: list[str]) -> None:
    piece = _read("The proposal should be dropped.", *openings)
    assert [a.marker for a in piece.arguments] == markers


def test_numbered_list_with_a_gap_in_ordinals_fills_one_unmarked() -> None:
    piece = _read(
        "The merger should be blocked.",
        "First, prices will rise for shoppers in small towns.",
        "Shoppers in the cities will notice less, at least at first.",
        "Moreover, suppliers will lose their only alternative buyer.",
        "Third, the promised savings have never appeared after earlier mergers.",
    )
    assert [a.marker for a in piece.arguments] == ["First", None, "Third"]
    assert piece.arguments[1].title == "Suppliers will lose their only alternative buyer."


def test_long_piece_keeps_multi_paragraph_arguments_whole() -> None:
    article = load("long_farm_subsidies")
    assert sum(len(p.split()) for p in article.paragraphs) > 2500
    piece = segment(article)
    assert [a.text.count("\n\n") + 1 for a in piece.arguments] == [5, 5, 5, 5]
    assert piece.conclusion is not None and piece.conclusion.count("\n\n") == 1


# -- forms and decoys found in real pieces (issue 9) ----------------------------------------


def test_numbers_as_words_count_points() -> None:
    assert _markers_of(
        "The privacy bill should go back to committee. Here is what can go wrong:",
        "One, the bill ignores how little power a tenant has against a landlord.",
        "Two, it chills reporting, because any story can be called an intrusion.",
        "Three, it leaves the state's own databases out of its scope entirely.",
    ) == ["One", "Two", "Three"]


def test_a_lone_secondly_after_announced_reasons_finds_its_first() -> None:
    piece = _read(
        "The attacks on the depot will go on.",
        "They will go on for a range of reasons. Anger at the closures runs deep in the "
        "valley, and nobody on the council has tried to answer it.",
        "Secondly, the drivers' union has nothing to lose by striking again this winter.",
    )
    assert [a.marker for a in piece.arguments] == [None, "Secondly"]
    assert piece.arguments[0].text.startswith("Anger at the closures")


def test_a_first_a_turn_and_a_last_make_three() -> None:
    assert _markers_of(
        "I have decided to give a tenth of my pay to charity, for a couple of reasons.",
        "One, I have learned how much further money goes where people are poorest.",
        "There's also the question of when to give, and giving now beats giving later.",
        "Finally, the pledge keeps me honest in the years when I would rather not.",
    ) == ["One", None, "Finally"]


def test_subheadings_of_one_shape_are_the_points() -> None:
    blocks = (
        Block("The tram extension has its critics, and most of their claims are wrong."),
        Block("\"It will take away all the parking!\"", BlockKind.HEADING, level=3),
        Block("It removes thirty spaces out of a hundred and forty, and the council has "
              "already found replacements for most of them in the market car park."),
        Block("\"Nobody will use it!\"", BlockKind.HEADING, level=3),
        Block("The survey behind that claim was taken before the hospital moved to the "
              "end of the line, and before the new estate was built beside it."),
        Block("\"It will be too loud!\"", BlockKind.HEADING, level=3),
        Block("Trams on embedded track are quieter than the buses that run there now, "
              "as anyone who has stood beside one in another city can tell."),
        Block("What now?", BlockKind.HEADING, level=3),
        Block("Argue about the real costs, which are the construction months."),
    )
    piece = segment(Article(blocks=blocks, title="Five myths about the tram"))
    assert [a.title for a in piece.arguments] == [
        '"It will take away all the parking!"', '"Nobody will use it!"',
        '"It will be too loud!"']
    assert piece.conclusion is not None and piece.conclusion.startswith("What now?")


def test_explain_says_what_was_weighed_and_why() -> None:
    piece = _read(
        "The levy is a mistake, for three reasons.",
        "First, it falls on the wrong people.",
        "Second, it raises too little to matter.",
        "Third, it will cost more to collect than it brings in.",
        explain=True)
    assert piece.explanation[0].startswith("ord series of 3")
    assert "chosen" in piece.explanation[0]
    assert any("announced 3, found 3" in line for line in piece.explanation)
    assert piece.confidence >= 0.9


def test_an_argument_under_its_crosshead_starts_at_the_crosshead() -> None:
    piece = _read(
        "The new transit authority has had a difficult first year, and for three reasons.",
        "First, its budget was set before fuel prices doubled, and nobody has revisited it "
        "since the spring.",
        "Lost trust.",
        "Second, the authority stopped publishing its punctuality figures in March, which "
        "riders noticed at once.",
        "Third, the board meets in private, and its minutes appear months after the fact.",
    )
    assert [a.marker for a in piece.arguments] == ["First", "Second", "Third"]
    assert piece.arguments[1].text.startswith("Lost trust.\n\nSecond, the authority")
    assert piece.arguments[1].title == "Lost trust."


def test_numbering_restarting_under_each_subheading_is_kept_whole() -> None:
    blocks = (
        Block("I have sat through a lot of council presentations. Here is what works."),
        Block("Structure", BlockKind.HEADING, level=2),
        Block("1. A presentation that ends early is never resented by anyone in the room."),
        Block("2. One message, said at the start and again at the end, beats five of them."),
        Block("Delivery", BlockKind.HEADING, level=2),
        Block("1. Speakers who rehearse aloud finish on time and answer questions better."),
        Block("2. Slides with fewer words keep the room looking at the speaker, not the wall."),
    )
    piece = segment(Article(blocks=blocks))
    assert [a.marker for a in piece.arguments] == ["1.", "2.", "1.", "2."]
    assert [a.number for a in piece.arguments] == [1, 2, 3, 4]


@pytest.mark.parametrize("valediction", ["With best wishes,", "Kind regards,", "Yours sincerely,",
                                         "In solidarity,"])
def test_a_valediction_begins_the_sign_off(valediction: str) -> None:
    paras = ["The council should keep the branch open.", "That is all we ask of it this year.",
             valediction, "Farzana Mitu", "Editor, The Tidewater Daily"]
    assert signoff_start(paras, len(paras)) == 2
    # A closing sentence is not a valediction, however short.
    assert signoff_start([*paras[:2], "Thanks for reading to the end of this."], 3) == 3


def test_sentences_before_a_marker_are_counted_only_as_far_as_asked() -> None:
    # A paragraph of thousands of sentences is asked "at most two?" once per marker in it;
    # counting them all each time made a 200,000-character entry take most of a minute.
    text = "One. " * 5000 + "Second, the point."
    pos = text.index("Second")
    assert sentences_before(text, pos) == 5000
    assert sentences_before(text, pos, most=2) == 3
    assert sentences_before("One. Two. Second, it.", 10, most=2) == 2
