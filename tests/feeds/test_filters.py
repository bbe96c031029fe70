"""Filter syntax, compilation errors, matching rules and the time bound on regexes."""

from __future__ import annotations

import pytest

from bot.feeds.filters import (
    MAX_TERMS,
    MAX_TEXT_CHARS,
    FilterError,
    FilterFields,
    build_filter,
    compile_term,
    parse_filter,
)


def allows(include: str = "", exclude: str = "", **fields: str) -> bool:
    return build_filter(parse_filter(include), parse_filter(exclude)).allows(
        FilterFields(**fields))


# --------------------------------------------------------------------------------- syntax


def test_terms_are_split_on_commas_and_canonicalised() -> None:
    assert parse_filter("  climate ,carbon   tax,, ") == ("climate", "carbon tax")
    assert parse_filter(None) == () and parse_filter("") == ()
    assert parse_filter("climate, climate") == ("climate",)


def test_quotes_keep_commas_and_slashes_in_keywords() -> None:
    assert parse_filter('"Smith, Jane", "/slash"') == ('"Smith, Jane"', '"/slash"')
    assert allows(include='"Smith, Jane"', author="Smith, Jane")


def test_regex_literals_may_contain_commas_and_escaped_slashes() -> None:
    terms = parse_filter(r"/a{1,3}b/i, /and\/or/, x")
    assert terms == ("/a{1,3}b/i", r"/and\/or/", "x")
    assert allows(include=r"/and\/or/", text="this and/or that")


def test_field_prefixes() -> None:
    assert parse_filter("Title:budget, author:/^jane/i") == ("title:budget", "author:/^jane/i")
    assert allows(include="title:budget", title="Budget day")
    assert not allows(include="title:budget", text="the budget")
    assert allows(include="author:/^jane/i", author="Jane Doe")
    # A keyword that starts like a prefix is written in quotes.
    assert parse_filter('"title: x"') == ('"title: x"',)


def test_stored_terms_round_trip() -> None:
    terms = parse_filter('"Smith, Jane", title:/\\btrams?\\b/si, carbon tax')
    assert parse_filter(list(terms)) == terms
    assert terms[1] == "title:/\\btrams?\\b/is"  # flags sorted


@pytest.mark.parametrize(("spec", "message"), [
    ("/(unclosed/", r"Regular expression `/\(unclosed/` does not compile"),
    ("ok, /[z-a]/", r"`/\[z-a\]/` does not compile"),
    ("/abc", "has no closing `/`"),
    ("//", "is empty"),
    ("/abc/q", "Unknown regex flag"),
    ('"open', "Unclosed quote"),
    ("/a/i b", "Expected a comma"),
    ("x" * 201, "longer than 200"),
    (", ".join(f"w{n}" for n in range(MAX_TERMS + 1)), "Too many include terms"),
])
def test_bad_terms_are_refused_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_filter(spec, what="include")


def test_the_message_names_the_option() -> None:
    with pytest.raises(FilterError, match=r"^Exclude: "):
        parse_filter("/(/", what="exclude")


# ------------------------------------------------------------------------------- matching


def test_keywords_match_whole_words_ignoring_case_and_spacing() -> None:
    assert allows(include="tax", title="A new TAX.")
    assert not allows(include="tax", title="Taxi drivers")
    assert allows(include="carbon tax", text="a carbon\n  tax now")
    assert allows(include="c++", text="written in C++ today")
    assert allows(include="#metoo", text="the #MeToo movement")


def test_include_is_any_exclude_wins() -> None:
    assert allows(title="anything")
    assert allows(include="trams, buses", title="Buses again")
    assert not allows(include="trams, buses", title="Bikes")
    assert not allows(include="buses", exclude="sponsored", title="Buses", text="Sponsored")
    assert allows(exclude="sponsored", title="Buses")


def test_missing_fields_do_not_match() -> None:
    assert not allows(include="author:smith")
    assert allows(exclude="author:smith", title="x")


def test_regex_searches_anywhere_with_flags() -> None:
    assert allows(include="/nuclear\\s+power/", text="cheap nuclear  power")
    assert not allows(include="/nuclear/", text="Nuclear")
    assert allows(include="/nuclear/i", text="Nuclear")
    assert allows(include="/^second/m", text="first\nsecond")


def test_catastrophic_regex_is_bounded_and_fails_towards_not_posting() -> None:
    evil = "/(a|aa)+$/"
    text = "a" * 5000 + "!"
    flt = build_filter(parse_filter(evil), ())
    # Out of time: an include counts as no match ...
    assert not flt.allows(FilterFields(text=text), budget_s=0.01)
    # ... and an exclude as a match. Either way the entry is not posted.
    assert not build_filter((), parse_filter(evil)).allows(FilterFields(text=text),
                                                           budget_s=0.01)


def test_text_is_capped_before_matching() -> None:
    text = "x " * MAX_TEXT_CHARS + "needle"
    assert not allows(include="needle", text=text)
    assert allows(include="needle", text="needle " + text)


def test_compile_term_reports_fields_and_kind() -> None:
    term = compile_term("author:/^j/")
    assert term.fields == ("author",) and term.is_regex
    term = compile_term("budget")
    assert term.fields == ("title", "author", "text") and not term.is_regex
