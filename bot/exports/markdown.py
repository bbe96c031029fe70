"""The debate as a readable Markdown document (a wiki page, a newsletter, a repository).

Members' and the piece's text is escaped with the same rule as on Discord (:func:`plain`: one
backslash before each character Markdown gives a meaning to, which CommonMark honours too), so
nobody's text can add a link, a heading or raw HTML to the document; bare web addresses stay
links. Replies nest as block quotes, one level deeper per answer, which every renderer shows.
"""

from __future__ import annotations

from bot.exports.record import ArgumentNode, ContributionNode, DebateRecord
from bot.markup import plain
from bot.store import Tally


def to_markdown(record: DebateRecord) -> str:
    lines = [f"# {plain(record.title, links=False)}", ""]
    byline = [part for part in (record.author, record.outlet) if part]
    about = []
    if byline:
        about.append("By " + plain(", ".join(byline), links=False))
    if record.url:
        about.append(f"[the piece]({record.url})")
    if record.link:
        about.append(f"[its debate on Discord]({record.link})")
    if about:
        lines += [" · ".join(about), ""]
    lines += ["**Thesis.** " + plain(record.thesis), ""]
    for argument in record.arguments:
        lines += _argument(argument)
    if record.conclusion:
        lines += ["## Conclusion", "", plain(record.conclusion), ""]
    when = f" on {record.exported_at:%Y-%m-%d %H:%M} UTC" if record.exported_at else ""
    lines += [f"*Exported by Counterpoint{when}. Members are numbered within this page unless "
              "they chose to be named.*", ""]
    return "\n".join(lines)


def _argument(argument: ArgumentNode) -> list[str]:
    heading = f"## {argument.number}. {plain(argument.title, links=False)}"
    lines = [heading, "", plain(argument.text), "", f"*{_tally(argument.tally)}*"
             + (f" · [thread]({argument.link})" if argument.link else ""), ""]
    if not argument.counters:
        lines += ["No counterarguments yet.", ""]
    for counter in argument.counters:
        lines += _contribution(counter, depth=1)
    return lines


def _contribution(node: ContributionNode, *, depth: int) -> list[str]:
    quote = "> " * depth
    label = "Counterargument" if node.kind == "counter" else "Rebuttal"
    facts = [_tally(node.tally)]
    if node.minds_changed:
        facts.append(f"changed {node.minds_changed} mind{'s' * (node.minds_changed != 1)}")
    head = f"**{label}** by {plain(node.author, links=False)} · {' · '.join(facts)}"
    if node.link:
        head += f" · [message]({node.link})"
    body = plain(node.body) if node.body is not None else f"*[{node.tombstone or 'removed'}]*"
    lines = [quote + head, quote.rstrip()]
    lines += [(quote + line) if line else quote.rstrip() for line in body.splitlines()]
    lines.append("")
    for reply in node.replies:
        lines += _contribution(reply, depth=depth + 1)
    return lines


def _tally(tally: Tally) -> str:
    return f"{tally.agree} agree, {tally.disagree} disagree"
