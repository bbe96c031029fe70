"""How a Discord client reads message markup: what a member sees, and what in it is active.

The emulator stores what the bot sent; this module reads it the way Discord's desktop client
renders message content and embed text, so tests can assert on what a member would see: the
visible text, and every construct that would be live in it (masked and bare links, spoilers,
mentions and other tags, headings, block quotes, subtext, lists, code, emphasis).

It follows the client's rules as documented in Discord's "Markdown Text 101" and as observed in
the client (the parse-discord project recorded many of them): a backslash before an ASCII
punctuation character shows that character as is, and no construct starts at either; masked
links take their label unescaped (the client shows backslashes there); a masked link's target
ends at its first unbalanced ``)``; headings and subtext open a line, quotes and lists may
follow spaces. Where it is unsure it errs towards reporting a construct as active (a masked
link whose label Discord's anti-phishing rules would refuse is still reported), so a test
relying on it can fail needlessly but not pass wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_S = re.DOTALL

# Emphasis, as the client pairs it: the body may hold escaped characters, never end on one.
_BOLD = re.compile(r"\*\*((?:\\.|[^\\])+?)\*\*(?!\*)", _S)
_UNDERLINE = re.compile(r"__((?:\\.|[^\\])+?)__(?!_)", _S)
_ITALIC_STAR = re.compile(r"\*(?!\s)((?:\\.|\*\*|[^*\\])+?)(?<!\s) {0,2}\*(?!\*)", _S)
_ITALIC_UNDERSCORE = re.compile(r"_((?:\\.|__|[^_\\])+?)_(?![A-Za-z0-9_])", _S)
_STRIKE = re.compile(r"~~(.+?)~~(?!_)", _S)
_SPOILER = re.compile(r"\|\|(.+?)\|\|", _S)
_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", _S)
_CODE_BLOCK = re.compile(r"```(?:([A-Za-z_\-+.0-9]*)\n)?(.*?[^\n].*?)```", _S)
# Tags.
_TIMESTAMP = re.compile(r"<t:(-?[0-9]+)(?::[tTdDfFR])?>")
_CUSTOM_EMOJI = re.compile(r"<a?:([A-Za-z_0-9]+):([0-9]+)>")
_USER = re.compile(r"<@!?([0-9]+)>")
_ROLE = re.compile(r"<@&([0-9]+)>")
_CHANNEL = re.compile(r"<#([0-9]+)>")
_COMMAND = re.compile(r"</([^\s:>][^:>]*):([0-9]+)>")
_GUILD_NAVIGATION = re.compile(r"<id:(customize|browse|guide|linked-roles(?::[0-9]+)?)>")
_EVERYONE = re.compile(r"@(everyone|here)")
# Links.
_BARE_URL = re.compile(r"(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
_SUPPRESSED_URL = re.compile(r"<([^: >]+:/[^ >]+)>")
_MASKED_LINK = re.compile(
    r"\[((?:\[[^\]]*\]|[^\[\]])*[^\[]*)\]"  # the label: balanced brackets, or anything but "["
    r"\(\s*<?((?:\([^)]*\)|[^\s\\]|\\[^\n])*?)>?"  # the target, to its first unbalanced ")"
    r"(?:\s+['\"](.*?)['\"])?\s*\)", _S)
# Openers of a line.
_SUBTEXT = re.compile(r"-# +(?!-#)([^\n]+)\n?")
_HEADING = re.compile(r"(#{1,3})\s+(?!#)([^\n]*)\n?")
_QUOTE_LINES = re.compile(r"(?:> [^\n]*\n?)(?:(?: *)> [^\n]*\n?)*")
_QUOTE_BLOCK = re.compile(r">>> (.*)", _S)
_LIST = re.compile(r"(?:[*-]|\d+\.) +.[^\n]*(?:\n [^\n]*)*\n?")
_ESCAPABLE = re.compile(r"[^A-Za-z0-9\s]")


@dataclass(frozen=True, slots=True)
class Element:
    """One active construct: ``kind`` (see :data:`KINDS`), the text it shows, its target (a
    link's URL, a mention's id or name) and what is active inside it."""

    kind: str
    text: str
    target: str | None = None
    inner: tuple[Element, ...] = ()


KINDS = frozenset({
    "bold", "underline", "italic", "strike", "spoiler", "code", "code_block", "timestamp",
    "emoji", "user_mention", "role_mention", "channel_mention", "command_mention",
    "guild_navigation", "everyone", "link", "masked_link", "subtext", "heading", "quote",
    "list",
})


@dataclass(frozen=True, slots=True)
class Rendered:
    """Markup as a member sees it: ``text`` (formatting gone, escapes resolved) and the
    constructs active in it, outermost first."""

    text: str
    elements: tuple[Element, ...] = field(default=())

    def walk(self) -> Iterator[Element]:
        """Every active construct, nested ones included."""
        stack = list(reversed(self.elements))
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(element.inner))

    def kinds(self) -> set[str]:
        return {e.kind for e in self.walk()}

    def links(self) -> list[Element]:
        """Masked and bare links, with their targets."""
        return [e for e in self.walk() if e.kind in ("link", "masked_link")]


def render(markup: str) -> Rendered:
    """Read ``markup`` (message content, or an embed's title, description or field value)."""
    return _Reader(markup, _Context()).read()


@dataclass(frozen=True, slots=True)
class _Context:
    # What precedes this text on its line: "nothing", "space" (spaces only) or "text".
    line: str = "nothing"
    in_quote: bool = False
    in_list: bool = False
    in_label: bool = False  # the label of a masked link: few rules, no escapes


class _Reader:
    def __init__(self, source: str, context: _Context) -> None:
        self.source = source
        self.context = context
        self.text: list[str] = []
        self.elements: list[Element] = []

    def read(self) -> Rendered:
        s = self.source
        i = 0
        while i < len(s):
            if s[i] == "\\" and i + 1 < len(s) and not self.context.in_label:
                following = s[i + 1]
                self.text.append(following if _ESCAPABLE.fullmatch(following)
                                 else "\\" + following)
                i += 2
                continue
            found = self._construct(i)
            if found is None:
                self.text.append(s[i])
                i += 1
                continue
            element, end = found
            self.elements.append(element)
            self.text.append(element.text)
            i = end
        return Rendered("".join(self.text), tuple(self.elements))

    # --- rules ----------------------------------------------------------------------------

    def _line(self, i: int) -> str:
        """What precedes position ``i`` on its line: at the start of this text, what preceded
        the text in the one around it counts too."""
        j = i - 1
        state = "nothing"
        while j >= 0 and self.source[j] != "\n":
            if self.source[j] != " ":
                return "text"
            state = "space"
            j -= 1
        if j >= 0 or self.context.line == "nothing":
            return state
        return "text" if self.context.line == "text" else "space"

    def _inner(self, text: str, i: int, **changes: bool) -> Rendered:
        context = _Context(line=self._line(i),
                           in_quote=self.context.in_quote or changes.get("in_quote", False),
                           in_list=self.context.in_list or changes.get("in_list", False),
                           in_label=self.context.in_label or changes.get("in_label", False))
        return _Reader(text, context).read()

    def _styled(self, kind: str, body: str, i: int, end: int) -> tuple[Element, int]:
        inner = self._inner(body, i)
        return Element(kind, inner.text, None, inner.elements), end

    def _construct(self, i: int) -> tuple[Element, int] | None:
        s = self.source
        c = s[i]
        label = self.context.in_label
        if c == "`":
            if not label and (m := _CODE_BLOCK.match(s, i)):
                return Element("code_block", m[2].strip("\n"), m[1] or None), m.end()
            if m := _CODE.match(s, i):
                return Element("code", m[2]), m.end()
        if c in "*_":
            short = (_ITALIC_STAR if c == "*" else _ITALIC_UNDERSCORE).match(s, i)
            long = (_BOLD if c == "*" else _UNDERLINE).match(s, i)
            if long and (short is None or long.end() > short.end()):
                return self._styled("bold" if c == "*" else "underline", long[1], i, long.end())
            if short:
                return self._styled("italic", short[1], i, short.end())
        if c == "~" and (m := _STRIKE.match(s, i)):
            return self._styled("strike", m[1], i, m.end())
        if c == "|" and (m := _SPOILER.match(s, i)):
            return self._styled("spoiler", m[1], i, m.end())
        if c == "<":
            if m := _TIMESTAMP.match(s, i):
                return Element("timestamp", m[0], m[1]), m.end()
            if m := _CUSTOM_EMOJI.match(s, i):
                return Element("emoji", f":{m[1]}:", m[2]), m.end()
        if label:
            return None
        if c == "<":
            for pattern, kind, shown in ((_USER, "user_mention", "@"),
                                         (_ROLE, "role_mention", "@"),
                                         (_CHANNEL, "channel_mention", "#"),
                                         (_COMMAND, "command_mention", "/"),
                                         (_GUILD_NAVIGATION, "guild_navigation", "#")):
                if m := pattern.match(s, i):
                    return Element(kind, shown + m[1], m[m.lastindex or 1]), m.end()
            if m := _SUPPRESSED_URL.match(s, i):
                return Element("link", m[1], m[1]), m.end()
        if c == "@" and (m := _EVERYONE.match(s, i)):
            return Element("everyone", m[0], m[1]), m.end()
        if c in "hHsS" and (m := _BARE_URL.match(s, i)):
            url = m[0]
            # A closing parenthesis ends the link unless the link opened one.
            if len(url) - len(url.rstrip(")")) > url.count("("):
                url = url[:-1]
            return Element("link", url, url), i + len(url)
        if c == "[" and (m := _MASKED_LINK.match(s, i)):
            target = re.sub(r"\\([^A-Za-z0-9\s])", r"\1", m[2])
            if re.match(r"(?:https?|discord)://", target, re.IGNORECASE):
                inner = self._inner(m[1], i, in_label=True)
                return Element("masked_link", inner.text, target, inner.elements), m.end()
        return self._line_opener(i)

    def _line_opener(self, i: int) -> tuple[Element, int] | None:
        s = self.source
        line = self._line(i)
        if line == "nothing":
            if m := _SUBTEXT.match(s, i):
                return self._styled("subtext", m[1], i, m.end())
            if not self.context.in_list and (m := _HEADING.match(s, i)):
                title = m[2].rstrip().rstrip("#").rstrip()
                inner = self._inner(title, i)
                return Element("heading", inner.text, m[1], inner.elements), m.end()
        if line == "text":
            return None
        if not self.context.in_quote:
            if m := _QUOTE_BLOCK.match(s, i):
                inner = self._inner(m[1], i, in_quote=True)
                return Element("quote", inner.text, None, inner.elements), m.end()
            if m := _QUOTE_LINES.match(s, i):
                body = "\n".join(line.lstrip(" ")[2:] for line in m[0].rstrip("\n").split("\n"))
                inner = self._inner(body, i, in_quote=True)
                return Element("quote", inner.text, None, inner.elements), m.end()
        if m := _LIST.match(s, i):
            item = re.sub(r"^(?:[*-]|\d+\.) +", "", m[0].rstrip("\n"))
            inner = self._inner(item, i, in_list=True)
            return Element("list", inner.text, None, inner.elements), m.end()
        return None
