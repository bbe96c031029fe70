"""The debate as one self-contained web page: no external asset, no script, any static host.

Read on a phone or a desktop, in the reader's light or dark scheme: the style sheet is inline,
sizes follow the reader's font size, long words and addresses wrap instead of widening the page,
and replies indent a little per level with a rule beside them, so a deep chain of rebuttals stays
readable at 320 pixels. Structure is semantic (a banner, a navigation list of the arguments, the
main article, a section per argument with its heading, nested lists for the replies) so a screen
reader can move by heading, landmark or list. Colours meet WCAG AA contrast in both schemes.

Every piece of text from outside (the piece, members' contributions) is HTML-escaped; the only
links are the piece's own address (made safe by :func:`web_url` when it was read) and Discord's
links to the threads and messages.
"""

from __future__ import annotations

from html import escape

from bot.exports.record import ArgumentNode, ContributionNode, DebateRecord
from bot.store import Tally

STYLE = """
:root { color-scheme: light dark; --text: #1b1b1f; --muted: #4a4a55; --bg: #ffffff;
  --panel: #f3f3f6; --rule: #c9c9d3; --accent: #1f4fa8; --agree: #176a35; --disagree: #a1262c; }
@media (prefers-color-scheme: dark) {
  :root { --text: #ececf1; --muted: #b4b4c0; --bg: #16161a; --panel: #22222a; --rule: #44444f;
    --accent: #8fb4ff; --agree: #7ed69b; --disagree: #ff9a9e; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  overflow-wrap: anywhere; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--panel); padding: .5rem; }
header, nav, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 2rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; color: var(--muted); }
.meta, .facts, footer { color: var(--muted); font-size: .9rem; }
.thesis { background: var(--panel); border-radius: .5rem; padding: .25rem 1rem; }
nav h2 { font-size: 1rem; margin: 1rem 0 .25rem; color: var(--muted); }
nav ol { margin: 0; padding-left: 1.5rem; }
.agree { color: var(--agree); font-weight: 600; }
.disagree { color: var(--disagree); font-weight: 600; }
ol.replies { list-style: none; margin: .5rem 0 0; padding: 0; }
ol.replies ol.replies { margin-left: .4rem; padding-left: .6rem;
  border-left: 2px solid var(--rule); }
.contribution { background: var(--panel); border-radius: .5rem; padding: .6rem .8rem;
  margin: .5rem 0; }
.contribution p { margin: .35rem 0; }
.contribution .who { font-weight: 600; }
.tombstone { font-style: italic; color: var(--muted); }
ol.debates { list-style: none; padding: 0; }
ol.debates h3 { color: var(--text); font-size: 1.05rem; margin: 1rem 0 .25rem; }
footer { padding-bottom: 2rem; margin-top: 2rem; border-top: 1px solid var(--rule); }
"""


def to_html(record: DebateRecord, *, home: str | None = None) -> str:
    """The page; ``home``, a link back to the index of a site of debates."""
    title = escape(record.title)
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} · debate</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the debate</a>',
        "<header>",
        f'<p class="meta"><a href="{escape(home)}">← All debates</a></p>' if home else "",
        f"<h1>{title}</h1>",
        _byline(record),
        "</header>",
    ]
    if record.arguments:
        parts.append('<nav aria-labelledby="contents"><h2 id="contents">The arguments</h2><ol>')
        parts += [f'<li><a href="#argument-{a.number}">{escape(a.title or a.text[:80])}</a></li>'
                  for a in record.arguments]
        parts.append("</ol></nav>")
    parts.append('<main id="main">')
    parts.append('<section aria-labelledby="thesis"><h2 id="thesis">Thesis</h2>'
                 f'<div class="thesis">{_paragraphs(record.thesis)}</div></section>')
    parts += [_argument(argument) for argument in record.arguments]
    if record.conclusion:
        parts.append('<section aria-labelledby="conclusion"><h2 id="conclusion">Conclusion</h2>'
                     f"{_paragraphs(record.conclusion)}</section>")
    parts.append("</main>")
    when = (f' on <time datetime="{record.exported_at.isoformat()}">'
            f"{record.exported_at:%d %B %Y, %H:%M} UTC</time>" if record.exported_at else "")
    parts.append(f"<footer><p>Exported by Counterpoint{when}. Members are numbered within "
                 "this page unless they chose to be named.</p></footer>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _byline(record: DebateRecord) -> str:
    bits = []
    who = ", ".join(escape(part) for part in (record.author, record.outlet) if part)
    if who:
        bits.append(f"By {who}")
    if record.published_at is not None:
        bits.append(f'<time datetime="{record.published_at.isoformat()}">'
                    f"{record.published_at:%d %B %Y}</time>")
    if record.url:
        bits.append(f'<a href="{escape(record.url)}">Read the piece</a>')
    if record.link:
        bits.append(f'<a href="{escape(record.link)}">Its card on Discord</a>')
    return f'<p class="meta">{" · ".join(bits)}</p>' if bits else ""


def _argument(argument: ArgumentNode) -> str:
    anchor = f"argument-{argument.number}"
    heading = escape(argument.title) if argument.title else f"Argument {argument.number}"
    thread = (f' · <a href="{escape(argument.link)}">Open its thread on Discord</a>'
              if argument.link else "")
    replies = ("".join(_contribution(node) for node in argument.counters)
               if argument.counters else "")
    body = (f'<ol class="replies" aria-label="Counterarguments">{replies}</ol>' if replies
            else "<p>No counterarguments yet.</p>")
    count = len(argument.counters)
    return (f'<section id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<h2 id="{anchor}-h">{argument.number}. {heading}</h2>'
            f"{_paragraphs(argument.text)}"
            f'<p class="facts">{_tally(argument.tally)}{thread}</p>'
            f"<h3>{count} counterargument{'s' * (count != 1)}</h3>{body}</section>")


def _contribution(node: ContributionNode) -> str:
    label = "Counterargument" if node.kind == "counter" else "Rebuttal"
    facts = [_tally(node.tally)]
    if node.minds_changed:
        facts.append(f"changed {node.minds_changed} mind{'s' * (node.minds_changed != 1)}")
    if node.link:
        facts.append(f'<a href="{escape(node.link)}">on Discord</a>')
    if node.body is None:
        text = f'<p class="tombstone">[{escape(node.tombstone or "removed")}]</p>'
    else:
        text = _paragraphs(node.body)
    replies = (f'<ol class="replies" aria-label="Rebuttals">'
               f'{"".join(_contribution(reply) for reply in node.replies)}</ol>'
               if node.replies else "")
    return (f'<li><article class="contribution" id="c{node.id}">'
            f'<p><span class="who">{escape(node.author)}</span> · {label} · '
            f'<time datetime="{node.created_at.isoformat()}">{node.created_at:%d %b %Y}</time></p>'
            f'{text}<p class="facts">{" · ".join(facts)}</p></article>{replies}</li>')


def _paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def _tally(tally: Tally) -> str:
    return (f'<span class="agree">{tally.agree} agree</span> · '
            f'<span class="disagree">{tally.disagree} disagree</span>')
