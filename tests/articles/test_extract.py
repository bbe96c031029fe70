"""Extraction: pages through trafilatura, plain text, feed-entry fragments, and bad input."""

from __future__ import annotations

import html
import json
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.articles.extract import (
    BODY_CHAR_LIMIT,
    EmptyDocument,
    ExtractionError,
    NotAnArticle,
    extract_entry,
    extract_html,
    extract_markdown,
    extract_text,
)
from bot.articles.model import Article, BlockKind

PAGES = Path(__file__).parent / "pages"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction is pure: any attempt to open a connection fails the test."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("extraction tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


# --- pages --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    name: str
    title: str
    author: str | None
    outlet: str
    count: int
    first: str
    last: str
    absent: tuple[str, ...]
    removed: tuple[str, ...] = ()


#: What each page holds once extracted, kept beside the pages (``pages/expected.json``).
PAGE_CASES = [
    Expected(e["page"], e["title"], e["author"], e["outlet"], e["paragraphs"], e["first"],
             e["last"], tuple(e["absent"]), tuple(e["removed"]))
    for e in json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))["pages"]]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda case: case.name)
def test_page_body_and_metadata(case: Expected) -> None:
    article = extract_html(page(case.name))
    assert article.title == case.title
    assert article.author == case.author
    assert article.outlet == case.outlet
    assert len(article.paragraphs) == case.count, article.paragraphs
    assert article.paragraphs[0].startswith(case.first)
    assert article.paragraphs[-1].startswith(case.last)
    body = "\n".join(article.paragraphs)
    for text in case.absent:
        assert text not in body
    for text in case.removed:
        assert any(item.startswith(text) for item in article.removed_boilerplate), text
    assert all(paragraph == paragraph.strip() and "  " not in paragraph
               for paragraph in article.paragraphs)


def test_numbered_subheadings_are_their_own_paragraphs() -> None:
    article = extract_html(page("school_week.html"))
    assert article.paragraphs[2:9:2] == ("1. The savings are tiny",
                                         "2. The learning losses are real",
                                         "3. Parents pay for childcare",
                                         article.paragraphs[8])
    assert article.paragraphs[3].startswith("Transport and utilities")


def _newsletter(headings: list[str]) -> str:
    """A newsletter page whose body sits in a plain ``div``, as some platforms write it:
    trafilatura finds no article box in it and recovers its paragraphs one by one."""
    paras = [f"Paragraph {i}: the figures the council published in spring number {i} tell the "
             f"same story from ward {i}, and nobody at meeting {i} disputed them when the clerk "
             "read them out." for i in range(1 + 3 * len(headings))]
    body = f"<p>{paras[0]}</p>" + "".join(
        f"<h3>{heading}</h3>" + "".join(f"<p>{text}</p>" for text in paras[1 + 3 * n:4 + 3 * n])
        for n, heading in enumerate(headings))
    return ("<!DOCTYPE html><html><head><title>Why I changed my mind</title></head><body>"
            "<div class='post-header'><h1>Why I changed my mind</h1>"
            "<h3>Three things that moved me</h3></div>"
            f"<div class='body markup'>{body}<p>So where does that leave me? Elsewhere.</p></div>"
            "<div class='footer'><h4>Discussion about this post</h4>"
            "<p>Comments are for subscribers.</p></div></body></html>")


def test_subheadings_between_paragraphs_are_kept_where_the_page_has_no_article_box() -> None:
    article = extract_html(_newsletter(["1. The supply story was too tidy",
                                        "2. Moving is not a market", "3. The evidence improved"]))
    headings = [(b.text, b.level) for b in article.blocks if b.kind is BlockKind.HEADING]
    assert headings == [("1. The supply story was too tidy", 3),
                        ("2. Moving is not a market", 3), ("3. The evidence improved", 3)]
    texts = [b.text for b in article.blocks]
    assert texts[texts.index("2. Moving is not a market") + 1].startswith("Paragraph 4:")
    assert not any("Discussion" in text or "Three things" in text for text in texts)


def _table_page(labels: list[str]) -> str:
    """An old page laid out in a table, its points opened by bold labels."""
    para = ("The city's own report says as much, and the tenants who live with it every "
            "winter have said it at every meeting since the spring, on the record.")
    points = "".join(f"<p><b>{label}</b> Point {n}: {para}</p>" for n, label in enumerate(labels))
    return ("<html><head><title>Statement on the inspection report</title></head><body>"
            "<table><tr><td><p><a href='/'>Home</a></p><p><a href='/m'>Meetings</a></p></td>"
            f"<td><h2>The report is not good enough</h2><p>On October 15 the city released "
            f"its report. {para}</p>{points}<p>We want to be fair to the inspectors. {para}</p>"
            "</td></tr></table></body></html>")


def test_bold_labels_are_kept_where_the_page_is_laid_out_in_a_table() -> None:
    labels = ["The deadlines are too late.", "The report leaves out the worst units.",
              "Nothing protects the tenants who spoke up."]
    article = extract_html(_table_page(labels))
    assert [b.lead for b in article.blocks if b.lead] == labels
    assert [b.text for b in article.blocks if b.lead][1].startswith(
        "The report leaves out the worst units. Point 1:")


def test_section_breaks_are_kept_on_the_block_after_them() -> None:
    prose = ("The figures the council published this spring say as much, and nobody at the "
             "meeting disputed them when they were read out in full.")
    markdown = extract_markdown(f"An opening. {prose}\n\n* * *\n\nThe first section. {prose}"
                                f"\n\n---\n\nThe second section. {prose}\n")
    text = extract_text(f"An opening. {prose}\n\n* * *\n\nThe first section. {prose}\n\n"
                        f"⁂\n\nThe second section. {prose}\n")
    page = extract_html("<html><head><title>Sections</title></head><body><div><p>An opening. "
                        f"{prose}</p><hr><p>The first section. {prose}</p><hr><p>The second "
                        f"section. {prose}</p></div></body></html>")
    for article in (markdown, text, page):
        assert [b.text[:18] for b in article.blocks if b.after_break] == [
            "The first section.", "The second section"], article.blocks
        assert not any(set(b.text) <= set("*-⁂ ") for b in article.blocks)


def test_list_items_are_paragraphs_and_ordered_ones_keep_their_numbers() -> None:
    article = extract_html(page("transit_fares.html"))
    assert article.paragraphs[2].startswith("Fare collection costs almost a third")
    assert article.paragraphs[3].startswith("Boarding is slower")
    assert article.paragraphs[4].startswith("Riders priced off the bus")
    assert [p[:3] for p in article.paragraphs[7:10]] == ["1. ", "2. ", "3. "]
    assert article.paragraphs[7] == ("1. A small levy on commercial parking spaces, which "
                                     "benefit most from a city that moves.")


def test_list_items_holding_paragraphs_get_one_number_each() -> None:
    article = extract_html(page("allotments.html"))
    assert [p[:9] for p in article.paragraphs[2:5]] == ["1. Inspec", "2. Give t", "3. Offer "]


def test_double_line_breaks_split_paragraphs_and_quotes_stay() -> None:
    article = extract_html(page("night_buses.html"))
    assert article.paragraphs[1].startswith("Cleaners, nurses, bakers")
    assert article.paragraphs[2].startswith("Cutting the network would also push")
    assert article.paragraphs[3].startswith('"If the bus stops, I stop,"')


def test_page_dates_are_timezone_aware() -> None:
    assert extract_html(page("allotments.html")).published == datetime(
        2026, 5, 8, 17, 45, tzinfo=timezone(timedelta(hours=2)))
    assert extract_html(page("school_week.html")).published == datetime(
        2026, 2, 11, 8, 30, tzinfo=UTC)
    assert extract_html(page("transit_fares.html")).published == datetime(2026, 4, 20,
                                                                            tzinfo=UTC)


def test_url_is_kept_and_canonical_link_used_without_one() -> None:
    url = "https://example.org/views/school"
    assert extract_html(page("school_week.html"), url=url).url == url
    assert extract_html(page("school_week.html")).url == (
        "https://courier.example/opinion/four-day-school-week")


def test_str_and_bytes_give_the_same_article() -> None:
    raw = page("library_hours.html")
    assert extract_html(raw) == extract_html(raw.decode("utf-8"))


def test_legacy_encoding_is_decoded() -> None:
    html = page("library_hours.html").decode("utf-8").replace("Wiśniewski", "Wisniewski")
    html = html.replace("<meta charset=\"utf-8\">", "<meta charset=\"iso-8859-1\">")
    html = html.replace("A town that closes", "A town – café included – that closes")
    article = extract_html(html.encode("cp1252"))
    assert "café" in article.paragraphs[-1]


def test_markup_free_input_is_read_as_text() -> None:
    text = ("Why Ferries Need a Timetable\n\n" + "The ferry has no timetable worth the name. "
            * 8 + "\n\nIt should publish one and keep to it, every day of the week.\n")
    article = extract_html(text, url="https://example.org/ferry.txt")
    assert article.title == "Why Ferries Need a Timetable"
    assert len(article.paragraphs) == 2
    assert article.url == "https://example.org/ferry.txt"


# --- pages that are no article ------------------------------------------------------------

@pytest.mark.parametrize(
    ("document", "error", "message"),
    [
        ("", EmptyDocument, "empty"),
        ("   \n\t  ", EmptyDocument, "empty"),
        (b"", EmptyDocument, "empty"),
        (b"\n \n", EmptyDocument, "empty"),
        ("<html><head><title></title></head><body><div> </div></body></html>", EmptyDocument,
         "no text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", NotAnArticle, "binary"),
        (bytes(range(256)) * 40, NotAnArticle, "binary"),
        ("\x00\x01\x02\x03garbage\x04\x05\x06\x07" * 50, NotAnArticle, "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(200)), NotAnArticle, "binary"),
    ],
)
def test_bad_documents(document: str | bytes, error: type[ExtractionError],
                       message: str) -> None:
    with pytest.raises(error) as caught:
        extract_html(document)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("login.html", "a sign-in page, not an article"),
        ("not_found.html", "an error page"),
        ("nav_only.html", "too little for a piece"),
    ],
)
def test_pages_that_are_no_article(name: str, message: str) -> None:
    url = f"https://example.org/{name}"
    with pytest.raises(NotAnArticle) as caught:
        extract_html(page(name), url=url)
    text = str(caught.value)
    assert text.startswith(url + ": ")
    assert message in text
    assert "\n" not in text


def test_errors_are_value_errors() -> None:
    # The pipeline catches ValueError to try a page's announced feed instead.
    assert issubclass(NotAnArticle, ValueError) and issubclass(EmptyDocument, ValueError)
    with pytest.raises(ValueError):
        extract_html(page("nav_only.html"))


# --- plain text ---------------------------------------------------------------------------

SEED_REMOVED = (
    "We support our Publishers and Content Creators. You can view this story on their website "
    "by CLICKING HERE.",
    "Russian President Putin testing a new sniper rifle. Image Credit: Russian State Media.",
    "About the Author: Dr. Alexander Motyl",
)


def test_seed_op_ed(shared_dir: Path) -> None:
    text = (shared_dir / "corpus" / "seed_op_ed.txt").read_text(encoding="utf-8")
    article = extract_text(text)
    assert article.removed_boilerplate[:3] == SEED_REMOVED
    assert len(article.removed_boilerplate) == 4
    bio = article.removed_boilerplate[3]
    assert bio.startswith("Dr. Alexander Motyl is a professor of political science at "
                          "Rutgers-Newark.")
    assert len(bio) <= 200
    assert len(article.paragraphs) == 16
    assert article.paragraphs[0].startswith("Put simply, Russia’s genocidal war")
    assert article.paragraphs[1] == ("There are four reasons for such a dim view of Russia’s "
                                     "supreme leader.")
    assert article.paragraphs[-1] == (
        "Meanwhile, Ukraine and the West should continue reminding Russians on the battlefield "
        "that the costs of becoming North Korea are extremely, and unnecessarily, high.")
    assert [p[:13] for p in article.paragraphs if p.startswith(
        ("For starters", "But we do know", "The third reason", "Finally"))] == [
        "For starters,", "But we do kno", "The third rea", "Finally, ther"]
    assert article.title is None
    assert article.author == "Alexander Motyl"


def test_seed_every_kept_paragraph_is_in_the_source(shared_dir: Path) -> None:
    text = (shared_dir / "corpus" / "seed_op_ed.txt").read_text(encoding="utf-8")
    source = " ".join(text.split())
    article = extract_text(text)
    assert all(paragraph in source for paragraph in article.paragraphs)
    kept_and_removed = len(article.paragraphs) + len(article.removed_boilerplate)
    assert kept_and_removed == len([b for b in text.split("\n\n") if b.strip()])


def test_text_crlf_bom_and_stray_whitespace() -> None:
    text = ("\ufeff  Trams Beat Buses on Busy Routes  \r\n\r\n"
            "\t  The first paragraph argues the point at some length, with detail.  \r\n"
            " \r\n\r\n"
            "The second paragraph\u00a0continues it, and ends the piece here.\r\n")
    article = extract_text(text)
    assert article.title == "Trams Beat Buses on Busy Routes"
    assert article.paragraphs == (
        "The first paragraph argues the point at some length, with detail.",
        "The second paragraph continues it, and ends the piece here.")


def test_text_with_one_paragraph_per_line() -> None:
    lines = [
        "Rent caps fail the tenants they are meant to protect, and the evidence from every "
        "city that has tried them is now plain to see for anyone who looks.",
        "Landlords respond by selling up or converting flats to short lets, so the supply of "
        "homes to rent shrinks just when demand is highest.",
        "Those who already hold a tenancy gain; everyone still looking for one loses, and the "
        "losers are younger and poorer than the winners.",
    ]
    article = extract_text("\n".join(lines))
    assert article.paragraphs == tuple(lines)


def test_hard_wrapped_text_is_joined() -> None:
    text = (
        "Rent caps fail the tenants they are meant to protect, and the evidence\n"
        "from every city that has tried them is now plain to see for anyone who\n"
        "looks closely.\n"
        "Landlords respond by selling up or converting flats to short lets, so\n"
        "the supply of homes to rent shrinks just when demand is highest.\n"
        "\n"
        "Those who already hold a tenancy gain; everyone still looking loses.\n")
    article = extract_text(text)
    assert article.paragraphs == (
        "Rent caps fail the tenants they are meant to protect, and the evidence from every "
        "city that has tried them is now plain to see for anyone who looks closely.",
        "Landlords respond by selling up or converting flats to short lets, so the supply of "
        "homes to rent shrinks just when demand is highest.",
        "Those who already hold a tenancy gain; everyone still looking loses.")


def test_text_lists_and_numbered_headings_in_one_block() -> None:
    text = ("There are three reasons to worry about the plan, set out below in turn:\n"
            "- It costs more than the council admits in its own report.\n"
            "- It takes longer than the council admits in its own report.\n"
            "* It helps fewer people than anyone has been told so far.\n"
            "\n"
            "1. Trust is gone\n"
            "Nobody believes the council's figures any more, after three years of\n"
            "missed targets and revised budgets, and they are right not to.\n")
    article = extract_text(text, title="A Plan Nobody Trusts")
    assert article.paragraphs == (
        "There are three reasons to worry about the plan, set out below in turn:",
        "It costs more than the council admits in its own report.",
        "It takes longer than the council admits in its own report.",
        "It helps fewer people than anyone has been told so far.",
        "1. Trust is gone",
        "Nobody believes the council's figures any more, after three years of missed targets "
        "and revised budgets, and they are right not to.")
    assert article.title == "A Plan Nobody Trusts"


def test_given_title_repeated_in_text_is_dropped() -> None:
    text = ("A Plan Nobody Trusts\n\nBy Jane Doe\n\nThe plan is bad, and here is why it fails "
            "everyone it touches.\n\nIt should be withdrawn before the vote next week.")
    article = extract_text(text, title="A Plan Nobody Trusts", url="file:plan.txt")
    assert article.paragraphs[0].startswith("The plan is bad")
    assert article.author == "Jane Doe"
    assert article.removed_boilerplate == ("A Plan Nobody Trusts", "By Jane Doe")
    assert article.url == "file:plan.txt"


def test_first_sentence_is_no_headline() -> None:
    text = ("The council is wrong about the bridge.\n\nIt costs too much.\n\n"
            "It goes to the wrong place.")
    article = extract_text(text)
    assert article.title is None
    assert len(article.paragraphs) == 3


def test_sample_piece_title_byline_and_bio(tmp_path: Path) -> None:
    text = ("Our City Should Keep Its Trams\nBy Marisol Ekwueme\n\n"
            + "\n\n".join(f"Paragraph {n} makes a point about trams, with evidence." for n in
                          range(1, 5))
            + "\n\nMarisol Ekwueme writes about cities and transport. Subscribe to her "
              "newsletter for weekly columns.\n")
    article = extract_text(text)
    assert article.title == "Our City Should Keep Its Trams"
    assert article.author == "Marisol Ekwueme"
    assert len(article.paragraphs) == 4
    assert article.removed_boilerplate == (
        "By Marisol Ekwueme",
        "Marisol Ekwueme writes about cities and transport. Subscribe to her newsletter for "
        "weekly columns.")


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", EmptyDocument, "empty"),
        ("  \r\n\t \n", EmptyDocument, "empty"),
        ("\ufeff", EmptyDocument, "empty"),
        ("\x00\x01\x02garbage\x03\x04" * 20, NotAnArticle, "binary"),
        ("\ufffd\ufffd\ufffdPNG\ufffd\ufffd" * 30, NotAnArticle, "binary"),
        ("1234 5678 --- ###", NotAnArticle, "no words"),
        ("Subscribe to our newsletter for more.\n\nAdvertisement", NotAnArticle,
         "nothing but boilerplate"),
    ],
)
def test_bad_text(text: str, error: type[ExtractionError], message: str) -> None:
    with pytest.raises(error) as caught:
        extract_text(text, url="https://example.org/x.txt")
    assert str(caught.value).startswith("https://example.org/x.txt: ")
    assert message in str(caught.value)


# --- feed entries -------------------------------------------------------------------------

def entry(**overrides: Any) -> Article:
    fields: dict[str, Any] = {"content_html": None, "summary_html": None, "title": "Trams",
                              "link": "https://example.org/trams", "author": None,
                              "published": None}
    fields.update(overrides)
    return extract_entry(**fields)


def test_entry_paragraph_fragment() -> None:
    article = entry(content_html=(
        "<h2>Trams</h2><p>The first paragraph, with <a href='/x'>a link</a> and <em>emphasis"
        "</em>.</p>\n<p>The second\nparagraph wraps in the source.</p>"
        "<figure><img src='t.jpg'><figcaption>A tram at dusk. Photo: City Archive"
        "</figcaption></figure>"
        "<h3>1. Trust is gone</h3><ol><li>First point.</li><li><p>Second point.</p></li></ol>"
        "<ul><li>A bullet</li></ul><p>The post Trams appeared first on Tram Talk.</p>"),
        author="Jane Doe", outlet="Tram Talk",
        published=datetime(2026, 3, 1, 12, 0))
    assert article.paragraphs == (
        "The first paragraph, with a link and emphasis.",
        "The second paragraph wraps in the source.",
        "1. Trust is gone",
        "1. First point.",
        "2. Second point.",
        "A bullet")
    assert article.removed_boilerplate == ("A tram at dusk. Photo: City Archive",
                                           "The post Trams appeared first on Tram Talk.")
    assert article.title == "Trams"
    assert article.author == "Jane Doe"
    assert article.outlet == "Tram Talk"
    assert article.url == "https://example.org/trams"
    assert article.published == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_entry_br_separated_text() -> None:
    article = entry(content_html=(
        "The first paragraph runs on for a while.<br><br>The second one too.<br/> <br />"
        "A third, after spaced breaks.<br>&nbsp;<br>And a fourth."))
    assert article.paragraphs == ("The first paragraph runs on for a while.",
                                  "The second one too.", "A third, after spaced breaks.",
                                  "And a fourth.")


def test_entry_plain_text_content() -> None:
    article = entry(content_html="Fares should go.\n\nBuses should be free &amp; frequent.")
    assert article.paragraphs == ("Fares should go.", "Buses should be free & frequent.")


def test_entry_prefers_content_over_summary() -> None:
    article = entry(content_html="<p>The full piece.</p><p>All of it.</p>",
                    summary_html="<p>A teaser.</p>")
    assert article.paragraphs == ("The full piece.", "All of it.")


def test_entry_falls_back_to_summary() -> None:
    article = entry(content_html="  \n ", summary_html="<p>A teaser of the piece.</p>")
    assert article.paragraphs == ("A teaser of the piece.",)


def test_entry_without_content_but_with_link_is_left_to_the_page() -> None:
    article = entry(author="Jane Doe")
    assert article.paragraphs == ()
    assert article.url == "https://example.org/trams"


def test_entry_without_content_or_link() -> None:
    with pytest.raises(EmptyDocument, match="no content, summary or link"):
        entry(link=None)


def test_entry_markup_in_title_and_author_and_byline_author() -> None:
    article = entry(title="Trams &amp; <b>Buses</b>",
                    content_html="<p>By Jane Doe</p><p>Trams &amp; buses both matter.</p>")
    assert article.title == "Trams & Buses"
    assert article.author == "Jane Doe"
    assert article.paragraphs == ("Trams & buses both matter.",)


def test_entry_full_page_content_skips_head_and_scripts() -> None:
    article = entry(content_html=(
        "<!DOCTYPE html><html><head><title>X</title><style>p{}</style></head><body>"
        "<script>var x = 1;</script><p>Only the body counts.</p></body></html>"))
    assert article.paragraphs == ("Only the body counts.",)


def test_entry_binary_content() -> None:
    with pytest.raises(NotAnArticle, match="binary"):
        entry(content_html="\x00\x01\x02\x03\x04\x05" * 30)


def test_seed_as_a_syndicated_page(shared_dir: Path) -> None:
    """The seed as an outlet would lay it out: caption in a <figure>, bio under a heading."""
    text = (shared_dir / "corpus" / "seed_op_ed.txt").read_text(encoding="utf-8")
    blocks = []
    for paragraph in (p.strip() for p in text.split("\n\n") if p.strip()):
        escaped = html.escape(paragraph)
        if paragraph.startswith("Russian President Putin testing"):
            blocks.append(f"<figure><img src='r.jpg'><figcaption>{escaped}</figcaption></figure>")
        elif paragraph.startswith("About the Author"):
            blocks.append(f"<h3>{escaped}</h3>")
        else:
            blocks.append(f"<p>{escaped}</p>")
    document = ("<html><head><title>Peace Needs Putin Gone | World Desk</title></head><body>"
                "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
                "<h1>Peace Needs Putin Gone</h1>" + "".join(blocks) + "</article>"
                "<footer>© 2026 World Desk</footer></body></html>")
    article = extract_html(document)
    assert article.title == "Peace Needs Putin Gone"
    assert article.author == "Alexander Motyl"
    assert len(article.paragraphs) == 16
    assert article.paragraphs[0].startswith("Put simply")
    assert article.paragraphs[-1].startswith("Meanwhile, Ukraine and the West")
    body = " ".join(article.paragraphs)
    for boilerplate in ("CLICKING HERE", "Image Credit", "About the Author", "Rutgers-Newark",
                        "World Desk", "Home"):
        assert boilerplate not in body


def test_article_with_a_login_box_and_error_in_its_title_is_still_an_article() -> None:
    html_text = page("school_week.html").decode("utf-8")
    html_text = html_text.replace(
        '<a class="logo" href="/">The Lakeside Courier</a>',
        '<a class="logo" href="/">The Lakeside Courier</a><form class="login">'
        '<input name="user"><input type="password" name="pw"><button>Log in</button></form>')
    html_text = html_text.replace("The Four-Day School Week Is a False Economy",
                                  "Error: The Four-Day School Week")
    article = extract_html(html_text)
    assert article.title == "Error: The Four-Day School Week"
    assert len(article.paragraphs) == 9


def test_page_structure_is_kept_as_blocks() -> None:
    html = ("<html><head><title>Why the Toll Fails</title></head><body><nav><a href='/'>Home"
            "</a></nav><article><h1>Why the Toll Fails</h1>"
            "<p>The city wants a toll on the old bridge. It should not have one, and the "
            "reasons are plain to anyone who crosses it:</p>"
            "<ol><li><p><strong>Cost.</strong> The toll costs more to collect than it raises, "
            "according to the audit office, which looked at every toll in the region.</p>"
            "<p>It would also need staff at both ends of the bridge.</p></li>"
            "<li><b>Fairness</b>: the poorest pay most in relation to what they earn, and "
            "they have the fewest other ways to cross the river.</li></ol>"
            "<h2>What the council should do</h2>"
            "<blockquote><p>First, we will consult. Second, we will decide.</p></blockquote>"
            "<p>That is why the council should drop the plan and repair the bridge with the "
            "money it already has set aside for roads.</p></article>"
            "<footer>All rights reserved</footer></body></html>")
    blocks = extract_html(html).blocks
    kinds = [(b.kind, b.number, b.lead) for b in blocks]
    assert kinds[1] == (BlockKind.ITEM, 1, "Cost.")
    assert blocks[1].text.startswith("1. Cost. The toll costs more")
    # The item's second paragraph belongs to its list without opening a new item.
    assert kinds[2] == (BlockKind.PARAGRAPH, None, None) and blocks[2].list_id == blocks[1].list_id
    assert kinds[3] == (BlockKind.ITEM, 2, "Fairness")
    assert blocks[4].kind is BlockKind.HEADING and blocks[4].level == 2
    assert blocks[5].kind is BlockKind.QUOTE


def test_an_overlong_body_is_cut_with_a_note() -> None:
    sentence = "The council has not explained where the money for the new depot comes from. "
    text = "A Depot Nobody Asked For\n\n" + "\n\n".join(sentence * 40 for _ in range(200))
    article = extract_text(text)
    assert sum(len(p) for p in article.paragraphs) <= BODY_CHAR_LIMIT
    assert article.paragraphs[-1].endswith("comes from.")
    assert len(article.notes) >= 1 and "characters" in article.notes[-1]


def test_a_paragraph_that_is_only_a_link_is_a_related_headline_not_the_piece() -> None:
    promo = '<p><strong><a href="/news/depot-fire">DEPOT FIRE CLOSES TWO ROUTES</a></strong></p>'
    cited = ('<p>The <a href="/report">council\'s own report</a> counted riders at night, '
             'and found more of them than the committee admits.</p>')
    source = page("night_buses.html").decode().replace(
        "<p>The committee should protect", f"{promo}{cited}<p>The committee should protect")
    article = extract_html(source)
    assert not any("DEPOT FIRE" in p for p in article.paragraphs)
    assert "DEPOT FIRE CLOSES TWO ROUTES" in article.removed_boilerplate
    # A link inside a sentence is the writer's citation, kept with its text.
    assert any(p.startswith("The council's own report counted riders") for p in article.paragraphs)
    assert article.paragraphs[-1].startswith("The committee should protect")
