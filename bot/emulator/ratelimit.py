"""Discord-style rate limits: per-route buckets keyed by route + major parameter, a global
limit for bot-token requests, the documented headers, and a record of early retries.

Limits are counted for whoever a request presents itself as, as Discord counts them: a call
made with a bot token is limited per token (each bot has its own bucket per route and major
parameter, and its own global 50 per second), so two bots posting to one channel never spend
each other's allowance. Interaction routes (``/interactions/{id}/{token}/callback`` and the
follow-up webhooks ``/webhooks/{application_id}/{token}``) are authenticated by the
interaction's token, not the bot's: their buckets are per webhook (or interaction) id + token,
whatever bot the interaction belongs to, and they are not under the global limit. A call with
no token at all (``GET /gateway``) is limited per IP address, which is loopback for everyone.

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
_GLOBAL = "global"

#: Who a call's limits are counted for: the bot token it carried, or ``None`` for a call that
#: carried none (an interaction route, limited by its own token in the major parameter, or an
#: unauthenticated call, limited by IP address).
Caller = str | None
_Key = tuple[Caller, str, str]  # (caller, bucket hash or "global", major parameter)


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
    #: The bot token the call carried (``None`` on interaction routes and public ones).
    token: str | None = None


@dataclass
class RateLimiter:
    enabled: bool = True
    scale: float = 1.0
    rules: dict[tuple[str, str], BucketRule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    global_limit: int = GLOBAL_LIMIT
    _windows: dict[_Key, _Window] = field(default_factory=dict)
    _globals: dict[Caller, _Window] = field(default_factory=dict)
    # bucket key -> monotonic time before which the client was told not to call again.
    _blocked_until: dict[_Key, float] = field(default_factory=dict)
    # (bot token, method, route template), any of them None for "any" -> [calls left to
    # refuse, retry_after]
    _forced: dict[tuple[str | None, str | None, str | None], list[float]] = field(
        default_factory=dict)
    early: list[EarlyRequest] = field(default_factory=list)

    def rule_for(self, method: str, template: str) -> BucketRule:
        rule = self.rules.get((method, template))
        if rule is None:
            rule = BucketRule(f"{method} {template}", DEFAULT_LIMIT, DEFAULT_WINDOW)
        return rule

    def force_429(self, count: int, retry_after: float = 0.1, *, route: str | None = None,
                  method: str | None = None, token: str | None = None) -> None:
        """Refuse the next ``count`` calls (to ``route`` only, and ``method`` only, if given;
        only calls acting for the bot with ``token``, if given)."""
        key = (token, method.upper() if method and route is not None else None, route)
        left = self._forced.get(key, [0, retry_after])
        self._forced[key] = [left[0] + count, retry_after]

    def _forced_for(self, method: str, template: str, bot: str | None) -> float | None:
        """The retry_after of a 429 forced on this call, consuming it; ``None`` if none is.
        The most specific aim is used first: route and method, route, then any call; each
        for this bot before any bot's."""
        aims: list[tuple[str | None, str | None]] = [
            (method, template), (None, template), (None, None)]
        tokens = (bot, None) if bot is not None else (None,)
        for aimed_method, route in aims:
            for token in tokens:
                left = self._forced.get((token, aimed_method, route))
                if left is not None and left[0] > 0:
                    left[0] -= 1
                    return left[1]
        return None

    def check(
        self, method: str, template: str, major: str, path: str, *, counts_global: bool,
        token: Caller = None, bot: str | None = None,
    ) -> Decision:
        """Count a call and say whether it may go ahead, with its headers.

        ``token`` is the bot token the call carried (its buckets and global limit are that
        token's); ``None`` for a call carrying none, whose buckets are shared by all such
        calls (an interaction route's major parameter carries its own token). ``bot`` is the
        token of the bot the call acts for, which forced 429s may aim at; the call's own
        ``token`` if not given (an interaction route acts for the bot the interaction was
        sent to without carrying its token)."""
        now = time.monotonic()
        rule = self.rule_for(method, template)
        window_len = rule.window * self.scale
        key = (token, rule.bucket_hash, major)
        global_key = (token, _GLOBAL, "")

        blocked = self._blocked_until.get(key)
        if counts_global:
            blocked = max(blocked or 0.0, self._blocked_until.get(global_key, 0.0))
        if blocked is not None and now < blocked:
            self.early.append(EarlyRequest(method, path, rule.bucket_hash, blocked - now, token))

        retry_forced = self._forced_for(method, template, bot if bot is not None else token)
        if retry_forced is not None:
            retry = retry_forced
            self._blocked_until[key] = now + retry
            return self._refused(rule, retry)

        if self.enabled and counts_global:
            g = self._globals.get(token)
            if g is None or now >= g.reset_at:
                g = self._globals[token] = _Window(
                    self.global_limit, now + GLOBAL_WINDOW * self.scale)
            if g.remaining <= 0:
                retry = g.reset_at - now
                self._blocked_until[global_key] = g.reset_at
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
