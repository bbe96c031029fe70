"""Dedupe keys of a feed entry, and the one way a link is written for comparing.

``key`` is the publisher's id when there is one; ``alt_keys`` carry the normalized link and a
title hash, so an entry whose GUID was churned, which was re-dated, or whose link gained
tracking parameters is still recognised as seen (``bot.feeds.entries`` says how they are
compared). Shared by the full parser (``parse``) and the key scan (``scan``), which must agree.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, parse_qsl, quote, urljoin, urlsplit, urlunsplit

_SPACE = re.compile(r"\s+")

# --------------------------------------------------------------------------- link handling

# Query parameters that only say where a click came from; they never change the document.
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
    "vero_id", "vero_conv", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "cmpid",
    "ocid", "ncid", "smid", "smtyp", "soc_src", "soc_trk", "sr_share", "spm", "at_medium",
    "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "wt.mc_id",
    "ref", "ref_src", "ref_url", "referrer", "src", "cmp", "feature", "__twitter_impression",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_origin(parts: SplitResult) -> tuple[str, str] | None:
    """Scheme and netloc written one way: lower-case, no default port, IPv6 in brackets,
    user info kept. ``None`` when the URL has no parseable host."""
    try:
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    if host is None:
        return None
    scheme = parts.scheme.lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
    return scheme, netloc


def normalize_link(url: str) -> str:
    """A canonical form of an article URL, for recognising the same link written differently.

    Lowercases scheme and host, drops the fragment, default ports and tracking parameters
    (utm_*, fbclid, gclid, ref, ...), sorts the remaining query parameters and trims a trailing
    slash. Something that is not a parseable URL comes back stripped but otherwise unchanged.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return text
    scheme, netloc = canonical_origin(parts) or (parts.scheme.lower(), parts.netloc)
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k)]
    query_pairs.sort()
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" if v else quote(k, safe='')
                     for k, v in query_pairs)
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, netloc, path, query, ""))


def web_link(link: Any, base: str | None) -> str | None:
    """An absolute http(s) link, or None (javascript:, data: and the like are dropped)."""
    if not isinstance(link, str) or not link.strip():
        return None
    text = link.strip()
    if base:
        try:
            text = urljoin(base, text)
        except ValueError:
            return None
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    if scheme in ("http", "https"):
        return text
    # A relative link with no base to resolve it against is still worth keeping.
    return text if not scheme and not base else None


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _title_fingerprint(title: str) -> str:
    return sha256_hex(_SPACE.sub(" ", title).strip().casefold())


_MAX_GUID = 512


def entry_keys_of(guid: str | None, link: str | None, title: str | None,
                  published: datetime | None, body: str | None) -> tuple[str, tuple[str, ...]]:
    link_key = f"link:{normalize_link(link)}" if link else None
    title_key = f"title:{_title_fingerprint(title)}" if title else None
    if guid:
        # Some publishers put whole documents in the id; a digest keeps keys storable.
        key = f"guid:{guid}" if len(guid) <= _MAX_GUID else f"guid-sha256:{sha256_hex(guid)}"
    elif link_key:
        key = link_key
    else:
        stamp = published.isoformat() if published else ""
        # Body only when there is nothing else, so untitled undated items do not all collide.
        extra = (body or "") if not (title or published) else ""
        key = "hash:" + sha256_hex("\n".join((title or "", stamp, extra)))
    alt_keys = tuple(k for k in (link_key, title_key) if k and k != key)
    return key, alt_keys
