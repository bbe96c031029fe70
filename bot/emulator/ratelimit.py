"""Discord-style rate limits: per-route buckets keyed by route + major parameter, a global
limit for bot-token requests, the documented headers, and a record of early retries.

Discord publishes the mechanism (headers, buckets, 429 body), not the numbers, and asks bots
to read the headers instead of hard-coding limits. The numbers below are the ones Discord has
long served for these routes (seen in response headers and cited in its developer community);
what matters for the bot is that they are small enough to bite: a piece posted as one message
plus one thread per argument hits the per-channel message and thread buckets within seconds.

All windows scale with ``scale`` so a test can exercise real 429 handling in a fraction of a
second; ``enabled=False`` still sends headers but never limits.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BucketRule:
    """``limit`` requests per ``window`` seconds for each major parameter value."""

    name: str
    limit: int
    window: float

    @property
    def bucket_hash(self) -> str:
        # Discord's bucket ids are opaque hex strings shared by routes with the same limit.
        return hashlib.sha1(self.name.encode()).hexdigest()[:32]


_MESSAGES = "/channels/{channel_id}/messages"
_MESSAGE = _MESSAGES + "/{message_id}"
_WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
_COMMANDS = "/applications/{application_id}/commands"
_GUILD_COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"
# Thread creation: 10 per 10 s per parent channel. Discord does not document it; it is
# stricter than sends in practice, and opening one thread per argument must pace itself.
_THREAD_CREATE = BucketRule("thread-create", 10, 10.0)

# Keyed by (method, route template below /api/v10).
DEFAULT_RULES: dict[tuple[str, str], BucketRule] = {
    # 5 per 5 s per channel: the long-standing message-create limit; threads are channels,
    # so every thread has its own bucket.
    ("POST", _MESSAGES): BucketRule("message-create", 5, 5.0),
    # Edits and deletes share Discord's per-channel 5/5 s shape.
    ("PATCH", _MESSAGE): BucketRule("message-edit", 5, 5.0),
    ("DELETE", _MESSAGE): BucketRule("message-delete", 5, 5.0),
    ("POST", "/channels/{channel_id}/threads"): _THREAD_CREATE,
    ("POST", _MESSAGE + "/threads"): _THREAD_CREATE,
    # Webhook execution (interaction follow-ups): 5 per 2 s per webhook id + token.
    ("POST", _WEBHOOK): BucketRule("webhook-execute", 5, 2.0),
    ("PATCH", _WEBHOOK + "/messages/{message_id}"): BucketRule("webhook-edit", 5, 2.0),
    # Command sync is deliberately tight (Discord caps creates per day); 2 per 10 s per scope.
    ("PUT", _COMMANDS): BucketRule("commands-put", 2, 10.0),
    ("PUT", _GUILD_COMMANDS): BucketRule("guild-commands-put", 2, 10.0),
}

# Any other route: its own bucket of 50 per second, roomy like Discord's read routes.
DEFAULT_LIMIT = 50
DEFAULT_WINDOW = 1.0
# The documented global limit: 50 requests per second per bot.
GLOBAL_LIMIT = 50
GLOBAL_WINDOW = 1.0
_GLOBAL_KEY = ("global", "")


@dataclass
class _Window:
    remaining: int
    reset_at: float  # monotonic


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str]
    bucket: str
    scope: str | None = None  # "user" | "global" | "shared" on a 429
    retry_after: float = 0.0
    is_global: bool = False


@dataclass
class EarlyRequest:
    """A request that arrived before the time the emulator had told the client to wait for."""

    method: str
    path: str
    bucket: str
    early_by: float


@dataclass
class RateLimiter:
    enabled: bool = True
    scale: float = 1.0
    rules: dict[tuple[str, str], BucketRule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    global_limit: int = GLOBAL_LIMIT
    _windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    _global: _Window | None = None
    # bucket key -> monotonic time before which the client was told not to call again.
    _blocked_until: dict[tuple[str, str], float] = field(default_factory=dict)
    _forced: int = 0
    _forced_retry_after: float = 0.1
    # (method or None, route template) -> [calls left to refuse, retry_after]
    _forced_routes: dict[tuple[str | None, str], list[float]] = field(default_factory=dict)
    early: list[EarlyRequest] = field(default_factory=list)

    def rule_for(self, method: str, template: str) -> BucketRule:
        rule = self.rules.get((method, template))
        if rule is None:
            rule = BucketRule(f"{method} {template}", DEFAULT_LIMIT, DEFAULT_WINDOW)
        return rule

    def force_429(self, count: int, retry_after: float = 0.1, *, route: str | None = None,
                  method: str | None = None) -> None:
        """Refuse the next ``count`` calls (to ``route`` only, and ``method`` only, if given)."""
        if route is None:
            self._forced += count
            self._forced_retry_after = retry_after
            return
        key = (method.upper() if method else None, route)
        left = self._forced_routes.get(key, [0, retry_after])
        self._forced_routes[key] = [left[0] + count, retry_after]

    def _forced_for(self, method: str, template: str) -> float | None:
        """The retry_after of a 429 forced on this call, consuming it; ``None`` if none is."""
        for key in ((method, template), (None, template)):
            left = self._forced_routes.get(key)
            if left is not None and left[0] > 0:
                left[0] -= 1
                return left[1]
        if self._forced > 0:
            self._forced -= 1
            return self._forced_retry_after
        return None

    def check(
        self, method: str, template: str, major: str, path: str, *, counts_global: bool
    ) -> Decision:
        now = time.monotonic()
        rule = self.rule_for(method, template)
        window_len = rule.window * self.scale
        key = (rule.bucket_hash, major)

        blocked = self._blocked_until.get(key)
        if counts_global:
            blocked = max(blocked or 0.0, self._blocked_until.get(_GLOBAL_KEY, 0.0))
        if blocked is not None and now < blocked:
            self.early.append(EarlyRequest(method, path, rule.bucket_hash, blocked - now))

        retry_forced = self._forced_for(method, template)
        if retry_forced is not None:
            retry = retry_forced
            self._blocked_until[key] = now + retry
            return self._refused(rule, retry)

        if self.enabled and counts_global:
            g = self._global
            if g is None or now >= g.reset_at:
                g = self._global = _Window(self.global_limit, now + GLOBAL_WINDOW * self.scale)
            if g.remaining <= 0:
                retry = g.reset_at - now
                self._blocked_until[_GLOBAL_KEY] = g.reset_at
                headers = {
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                }
                return Decision(False, headers, rule.bucket_hash, "global", retry, is_global=True)
            g.remaining -= 1

        win = self._windows.get(key)
        if win is None or now >= win.reset_at:
            win = self._windows[key] = _Window(rule.limit, now + window_len)
        if self.enabled and win.remaining <= 0:
            retry = win.reset_at - now
            return self._refused(rule, retry)
        if self.enabled:
            win.remaining -= 1
        remaining = win.remaining if self.enabled else rule.limit
        reset_after = win.reset_at - now
        if remaining == 0:
            self._blocked_until[key] = win.reset_at
        return Decision(True, self._headers(rule, remaining, reset_after), rule.bucket_hash)

    def _refused(self, rule: BucketRule, retry: float) -> Decision:
        """A 429 of the route's own bucket (scope ``user``), to retry after ``retry`` s."""
        return Decision(
            False,
            self._headers(rule, 0, retry, scope="user"),
            rule.bucket_hash,
            scope="user",
            retry_after=retry,
        )

    @staticmethod
    def _headers(
        rule: BucketRule, remaining: int, reset_after: float, scope: str | None = None
    ) -> dict[str, str]:
        # Round the wait up to the millisecond so a client honouring it never arrives early.
        reset_after = math.ceil(max(reset_after, 0.0) * 1000) / 1000
        headers = {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": rule.bucket_hash,
        }
        # Discord documents X-RateLimit-Scope as sent with 429 responses only.
        if scope is not None:
            headers["X-RateLimit-Scope"] = scope
        return headers
