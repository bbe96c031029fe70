"""Credentials in URLs are never shown: not in Discord, not in the log, not on the terminal.

A private feed's address often carries its credentials: ``https://reader:s3cret@host/feed``
(HTTP basic authentication) or ``...?token=abc`` / ``?key=`` / ``?auth=``. The bot keeps the
address whole, since it needs the credentials to fetch the feed, and shows it with them
replaced by ``***``: ``https://***@host/feed``, ``...?token=***``. :func:`redact_text` does that
to every URL inside a message, so it can be applied where text leaves the bot whatever built
it (an error from the fetcher, a line of /feed list, a pause notice).
"""

from __future__ import annotations

import logging
import re

MASK = "***"

#: Query parameters whose value is a secret, by name (case-insensitive).
SECRET_PARAMETERS = frozenset({
    "token", "access_token", "auth", "auth_token", "authorization", "key", "api_key", "apikey",
    "password", "passwd", "pass", "pwd", "secret", "client_secret", "sig", "signature",
    "private_token", "session", "sessionid", "sid",
})

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"'`|)\]]+")
_AUTHORITY = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<authority>[^/?#]*)")
_PARAMETER = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#]+)=(?P<value>[^&;#]*)")


def redact_url(url: str) -> str:
    """``url`` with its user information and secret query values replaced by ``***``."""

    def authority(match: re.Match[str]) -> str:
        host = match["authority"]
        if "@" in host:
            host = MASK + "@" + host.rsplit("@", 1)[1]
        return match["scheme"] + host

    def parameter(match: re.Match[str]) -> str:
        if match["name"].lower() in SECRET_PARAMETERS and match["value"]:
            return f"{match['lead']}{match['name']}={MASK}"
        return match[0]

    redacted = _AUTHORITY.sub(authority, url, count=1)
    base, hash_, fragment = redacted.partition("#")
    if "?" in base:
        path, _, query = base.partition("?")
        base = path + _PARAMETER.sub(parameter, "?" + query)
    return base + hash_ + fragment


def redact_text(text: str) -> str:
    """``text`` with :func:`redact_url` applied to every URL in it."""
    if "://" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        # Punctuation ending a sentence or a clause ("failed: ...") is not part of the URL.
        url = match[0].rstrip(".,:;!?")
        return redact_url(url) + match[0][len(url):]

    return _URL.sub(one, text)


class RedactingFilter(logging.Filter):
    """A handler filter that takes credentials out of every record it passes, message and
    traceback alike (a library's error may quote the URL it failed on)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        return True
