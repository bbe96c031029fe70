"""Text from outside shown on Discord as written, with nothing in it active; web links made safe.

Discord reads its Markdown in message content and in an embed's title, description and field
values: masked links ``[text](url)``, spoilers ``||…||``, headings, block quotes, lists, code,
emphasis, and tags (``<@id>``, ``<@&id>``, ``<#id>``, ``<t:…>``, ``</command:id>``, ``@everyone``).
What a feed says (a title, a thesis, an argument, an author, an outlet) is written by someone
else: read as markup, ``[click me](http://evil.example/phish)`` becomes a masked link in the
bot's own message, ``||…||`` hides words and ``<@123>`` shows as a mention. :func:`plain` makes
such text literal. Everything the bot posts from a feed goes through it; the bot's own markup
(its bold labels, its links to threads) is added around the escaped text.

How: every character Discord's Markdown gives a meaning to is preceded by a backslash, which
Discord's parser (like CommonMark's) reads as "this character, as is" and does not show. That
is the one rule all of Discord's syntax yields to, so no construct can form: not across the
bot's own markup either, since an escaped character can neither open nor close one. A line
that would start a list (``- ``, ``1. ``) gets its marker escaped the same way.

Emphasis is escaped too, not kept. The text the bot holds is already plain: extraction turns a
page's or a Markdown file's formatting into structure, so an asterisk, underscore or tilde left
in it is one the writer typed as a character (``5 * 3``, ``snake_case``), which shows as typed
only when escaped. And a marker kept "for emphasis" would pair with one in the bot's own markup
around it (``**Argument 1** · from [title…``), bolding or striking the bot's words instead.

A bare web address in the text stays a link, since its reader sees where it goes, but is wrapped
in ``<…>`` (Discord's form for "link, no preview"), so a piece cannot fill a thread with previews
of pages it names. Inside a masked link's label, or where links do not work (an embed's title),
``links=False`` turns web addresses into plain text instead.

Why not discord.py's ``utils.escape_markdown`` and ``escape_mentions``: the core may not import
``discord`` (this module is shared by publishing and summaries), and they do not cover the
class: ``escape_markdown`` defuses a masked link by escaping the first ``[`` of one greedy match
per line, so a second link on that line stays live, and it leaves ``<#id>``, ``<t:…>`` and
``</command:id>`` alone; ``escape_mentions`` leaves channel tags and ids that are not 17-20
digits. One backslash per special character covers every construct, present and future ones
built from the same characters.

:func:`web_url` is the other half: the only form in which an address from outside reaches a
link target (an embed's URL, a masked link). It accepts http and https URLs with a host and
percent-encodes everything else, so a space or a ``)`` cannot end a masked link early and a
``[label](url)`` cannot be smuggled into one.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from bot.redact import redact_text

# Characters Discord's Markdown gives a meaning to anywhere in a line: the backslash itself,
# emphasis, strike, spoiler, code, link brackets, tags and block quotes (< >), headings (#),
# mentions (@).
_SPECIAL = re.compile(r"([\\*_~|`\[\]<>#@])")
# A list marker opening a line ("- x", "1. x"; "* x" is escaped as emphasis already).
_LIST_MARKER = re.compile(r"^([ \t]*)(-|\d+\.)(?=[ \t])", re.MULTILINE)
# Where Discord would start a bare link ("steam://" included), and what may follow in one.
_SCHEME = re.compile(r"(?:https?|steam)://", re.IGNORECASE)
_ADDRESS_BODY = re.compile(r"[^\s<>]*")
# Not the end of a web address written in a sentence: "(see https://x.example/a)."
_TRAILING = ".,:;!?\"')]"

# What stays as it is in a URL's path, query and fragment: RFC 3986's unreserved characters
# and the delimiters that carry meaning there, less the parentheses, which would end a masked
# link's target (Discord reads "[t](<a)b>)" as a link to "a"). The rest is percent-encoded.
_URL_KEEP = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'*+,;=:@/?")
_HEX = frozenset("0123456789abcdefABCDEF")
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def plain(text: str, *, links: bool = True) -> str:
    """``text`` as Discord should show it: exactly as written, with no markup active.

    Bare web addresses stay links without previews (``<url>``), or with ``links=False`` (inside
    a masked link's label, in an embed title) become text too. Credentials in them are masked
    first (:func:`bot.redact.redact_text`): once escaped, an address is no longer found by it.
    """
    text = redact_text(text)
    out: list[str] = []
    done = 0  # text[:done] is in out
    for scheme in _SCHEME.finditer(text):
        if scheme.start() < done:
            continue  # part of an address already linked
        out.append(_escape(text[done:scheme.start()]))
        body = _ADDRESS_BODY.match(text, scheme.end())
        assert body is not None  # it matches the empty string
        address = text[scheme.start():body.end()].rstrip(_TRAILING)
        if links and len(address) > len(scheme[0]) and scheme[0].lower() != "steam://":
            out.append(f"<{address}>")
            done = scheme.start() + len(address)
        else:
            # "https\://" shows as "https://", but Discord no longer links what follows.
            out.append(_escape(scheme[0][:-3]) + "\\://")
            done = scheme.end()
    out.append(_escape(text[done:]))
    return _LIST_MARKER.sub(_escaped_marker, "".join(out))


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _escaped_marker(match: re.Match[str]) -> str:
    # "-" becomes "\-", "12." becomes "12\." (a backslash before a digit would show).
    marker = match[2]
    return match[1] + ("\\-" if marker == "-" else marker[:-1] + "\\.")


def web_url(url: str | None) -> str | None:
    """``url`` as a safe link target, or ``None`` when it is not a valid http(s) URL.

    Valid: scheme http or https, a host (a name, an IPv4 address or a bracketed IPv6 one), an
    optional port in range, and no control characters. User information (``user:pass@``) is
    dropped: a reader cannot see it in a link, and ``https://trusted.example@evil.example/``
    goes to evil.example. Characters outside RFC 3986's set, parentheses, brackets, spaces and
    non-ASCII text, are percent-encoded (a ``%`` that starts no escape becomes ``%25``); an
    international host name is written in its ASCII (IDNA) form.
    """
    if not url:
        return None
    text = url.strip()
    if not text or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    ascii_host = _host(host)
    if ascii_host is None:
        return None
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    path = _encode(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _encode(parts.query), _encode(parts.fragment)))


def _host(host: str) -> str | None:
    """The host in the form a URL carries it, or ``None`` if it is no valid host."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    try:
        encoded = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = encoded.split(".")
    if not encoded or len(encoded) > 253 or not all(_HOST_LABEL.fullmatch(x) for x in labels):
        return None
    return encoded


def _encode(part: str) -> str:
    out: list[str] = []
    for index, char in enumerate(part):
        escape = part[index + 1:index + 3]
        if char in _URL_KEEP or (char == "%" and len(escape) == 2 and set(escape) <= _HEX):
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return "".join(out)
