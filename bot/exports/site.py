"""A static site of a server's debates: an index by week and one page per debate.

``python -m bot site --guild ID --out DIR`` writes ``index.html`` and ``piece-<id>.html`` for
every published piece, ready for any static host (plain files, relative links, no script).
Pages are undated and built only from the record, so a rebuild produces the same bytes for a
debate nothing has happened in, and only pages whose content changed are written again (a
static host or a sync tool then uploads only those). A page of a piece the record no longer has
is removed; nothing else in ``DIR`` is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from html import escape
from pathlib import Path

from bot.exports.page import STYLE, to_html
from bot.exports.record import ArgumentNode, DebateRecord, read_debate
from bot.store import Store
from bot.summaries.weeks import IsoWeek

INDEX = "index.html"
_PAGE = re.compile(r"^piece-(\d+)\.html$")


def page_name(piece_id: int) -> str:
    return f"piece-{piece_id}.html"


@dataclass(frozen=True, slots=True)
class SiteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]


async def site_pages(store: Store, guild_id: int, *,
                     title: str = "Our debates") -> dict[str, str]:
    """Every page of ``guild_id``'s site, by file name."""
    settings = await store.get_guild_settings(guild_id)
    pieces = await store.list_pieces(states=("published",), guild_id=guild_id)
    names = await store.board_names(guild_id)  # members who opted in to being named
    records = [replace(await read_debate(store, guild_id, piece.id, names=names),
                       exported_at=None)
               for piece in pieces]
    pages = {page_name(r.piece_id): to_html(r, home=INDEX) for r in records}
    pages[INDEX] = index_page(records, title=title, timezone=settings.timezone)
    return pages


def write_site(out: Path, pages: dict[str, str]) -> SiteReport:
    """Bring the folder ``out`` up to date with ``pages``, touching only what changed."""
    out.mkdir(parents=True, exist_ok=True)
    written, unchanged = [], []
    for name, text in sorted(pages.items()):
        path = out / name
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            unchanged.append(name)
            continue
        # Written beside and renamed over, so a host serving the folder never sees half a page.
        partial = path.with_suffix(".html.partial")
        partial.write_bytes(data)
        partial.replace(path)
        written.append(name)
    removed = []
    for path in sorted(out.iterdir()):
        if _PAGE.match(path.name) and path.name not in pages:
            path.unlink()
            removed.append(path.name)
    return SiteReport(tuple(written), tuple(unchanged), tuple(removed))


def most_contested(arguments: Sequence[ArgumentNode]) -> ArgumentNode | None:
    """The weekly summary's rule (``bot.summaries.model.CONTESTED_RULE``) within one piece:
    among arguments with at least 2 votes and half the votes of the most-voted one, the
    closest split; ties go to more votes, then the earlier argument."""
    top = max((a.tally.total for a in arguments), default=0)
    eligible = [a for a in arguments if a.tally.total >= 2 and 2 * a.tally.total >= top]
    return min(eligible, default=None, key=lambda a: (
        Fraction(abs(a.tally.net), a.tally.total), -a.tally.total, a.number))


def index_page(records: Sequence[DebateRecord], *, title: str, timezone: str) -> str:
    weeks: dict[IsoWeek, list[DebateRecord]] = {}
    undated: list[DebateRecord] = []
    for record in sorted(records, key=lambda r: (r.published_at is None, r.published_at),
                         reverse=True):
        if record.published_at is None:
            undated.append(record)
        else:
            weeks.setdefault(IsoWeek.of(record.published_at, timezone), []).append(record)
    sections = [_week(f"Week of {week.monday():%-d %B %Y}", str(week).lower(), items)
                for week, items in weeks.items()]
    if undated:
        sections.append(_week("Undated", "undated", undated))
    body = "\n".join(sections) or "<p>No debates yet.</p>"
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<header><h1>{escape(title)}</h1><p class=\"meta\">{len(records)} "
        f"debate{'s' * (len(records) != 1)}, newest first, by week.</p></header>",
        f'<main id="main">{body}</main>',
        "<footer><p>Made by Counterpoint. Members are numbered within each page unless they "
        "chose to be named.</p></footer>", "</body>", "</html>"]) + "\n"


def _week(label: str, anchor: str, records: Sequence[DebateRecord]) -> str:
    items = []
    for record in records:
        counters = len(record.contributions())
        facts = [f"{len(record.arguments)} argument{'s' * (len(record.arguments) != 1)}",
                 f"{counters} counterargument{'s' * (counters != 1)} and rebuttal"
                 f"{'s' * (counters != 1)}"]
        who = ", ".join(part for part in (record.author, record.outlet) if part)
        contested = most_contested(record.arguments)
        line = (f'<li><article><h3><a href="{page_name(record.piece_id)}">'
                f"{escape(record.title)}</a></h3>"
                + (f'<p class="meta">{escape(who)}</p>' if who else "")
                + f'<p class="facts">{" · ".join(facts)}</p>')
        if contested is not None:
            line += (f"<p>Most contested: <a href=\"{page_name(record.piece_id)}#argument-"
                     f'{contested.number}">{contested.number}. {escape(contested.title)}</a> '
                     f"({contested.tally.agree} agree, {contested.tally.disagree} disagree)</p>")
        items.append(line + "</article></li>")
    return (f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{escape(label)}</h2>'
            f'<ol class="debates">{"".join(items)}</ol></section>')
