"""What the bot counts for Prometheus (``COUNTERPOINT_METRICS_ADDRESS``; see bot/health.py).

Every metric lives in a registry of its own per bot, so two bots in one process (the tests,
the sandbox) never mix their figures. Most figures are observed where they happen once and for
all, without the cogs or services knowing: the record's writes (:class:`MeteredStore`: votes,
counterarguments and rebuttals, pieces published or failed, summaries posted), the feed loop's
cycle report (fetches by outcome, the cycle's duration) and the bot's HTTP traffic with
Discord (interactions answered and how long after the member acted, 429s and 5xx answers).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from bot.feeds.poller import CycleReport
from bot.store import Store

#: Seconds from a member's action (Discord's timestamp of the interaction) to the bot's first
#: answer: Discord gives up at 3 s.
RESPONSE_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
CYCLE_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.interactions = Counter(
            "counterpoint_interactions", "Interactions answered, by kind (a command's name, "
            "a button's family, form, autocomplete)", ["kind"], registry=r)
        self.response_seconds = Histogram(
            "counterpoint_interaction_response_seconds", "From the member's action to the "
            "bot's first answer", ["kind"], buckets=RESPONSE_BUCKETS, registry=r)
        self.votes = Counter("counterpoint_votes", "Vote clicks applied, by what they did "
                             "(added, switched, withdrawn, repeated, unchanged)", ["action"],
                             registry=r)
        self.contributions = Counter("counterpoint_contributions", "Counterarguments and "
                                     "rebuttals posted", ["kind"], registry=r)
        self.pieces = Counter("counterpoint_pieces", "Pieces whose publishing ended, by "
                              "outcome (published, failed)", ["outcome"], registry=r)
        self.fetches = Counter("counterpoint_feed_fetches", "Feed fetches by outcome (ok, "
                               "not_modified, error, paused)", ["outcome"], registry=r)
        self.poll_cycle_seconds = Histogram("counterpoint_poll_cycle_seconds",
                                            "How long one poll cycle took",
                                            buckets=CYCLE_BUCKETS, registry=r)
        self.discord_errors = Counter("counterpoint_discord_errors", "Discord's rate limits "
                                      "(429) and server errors (5xx) answered to the bot",
                                      ["status"], registry=r)
        self.summaries = Counter("counterpoint_summaries_posted", "Weekly summaries posted",
                                 registry=r)

    def observe_cycle(self, report: CycleReport, seconds: float) -> None:
        errors = report.failed - report.paused
        ok = report.fetches - report.not_modified - report.failed
        for outcome, count in (("ok", ok), ("not_modified", report.not_modified),
                               ("error", errors), ("paused", report.paused)):
            if count > 0:
                self.fetches.labels(outcome).inc(count)
        self.poll_cycle_seconds.observe(seconds)

    def answered(self, kind: str, seconds: float) -> None:
        self.interactions.labels(kind).inc()
        self.response_seconds.labels(kind).observe(max(seconds, 0.0))

    def discord_status(self, status: int) -> None:
        if status == 429:
            self.discord_errors.labels("429").inc()
        elif status >= 500:
            self.discord_errors.labels("5xx").inc()

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format."""
        return generate_latest(self.registry)


class MeteredStore:
    """A :class:`Store` that counts the writes the metrics report, and is otherwise the store
    it wraps (every other attribute is the wrapped store's)."""

    def __init__(self, store: Store, metrics: Metrics) -> None:
        self._store = store
        self._metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def cast_vote(self, *args: Any, **kwargs: Any) -> Any:
        outcome = await self._store.cast_vote(*args, **kwargs)
        self._metrics.votes.labels(outcome.action).inc()
        return outcome

    async def add_contribution(self, *args: Any, **kwargs: Any) -> Any:
        contribution = await self._store.add_contribution(*args, **kwargs)
        self._metrics.contributions.labels(contribution.kind).inc()
        return contribution

    async def finish_publishing(self, *args: Any, **kwargs: Any) -> Any:
        piece = await self._store.finish_publishing(*args, **kwargs)
        self._metrics.pieces.labels("published").inc()
        return piece

    async def fail_publishing(self, *args: Any, **kwargs: Any) -> Any:
        piece = await self._store.fail_publishing(*args, **kwargs)
        self._metrics.pieces.labels("failed").inc()
        return piece

    async def record_summary_message(self, *args: Any, **kwargs: Any) -> Any:
        post = await self._store.record_summary_message(*args, **kwargs)
        self._metrics.summaries.inc()
        return post
