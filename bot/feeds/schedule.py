"""When to poll a feed next: pure functions of the outcome, the clock and a seedable RNG.

Rules:

* **After a success** (a 304 counts): the interval (default 15 min, never under 5 min), made
  longer when the server's ``Cache-Control: max-age`` asks for more (honoured up to 6 h, so a
  year-long max-age cannot silence a feed), then spread by ±10 % jitter so feeds added
  together do not stay in lock-step; never earlier than ``max-age`` or ``Retry-After``.
* **After a failure**: back-off of 5 min doubling with each consecutive failure (5, 10, 20,
  ... min), capped at 24 h, plus up to 10 % jitter; a ``Retry-After`` longer than that is
  honoured (up to 24 h).
* **Auto-pause** when a feed reaches 10 consecutive failures (about 28 h of trying).

Jitter comes from a ``random.Random`` the caller owns, so tests pass a seeded one.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MIN_INTERVAL = timedelta(minutes=5)
DEFAULT_INTERVAL = timedelta(minutes=15)
MAX_CACHE_DELAY = timedelta(hours=6)
JITTER = 0.10
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=24)
MAX_RETRY_AFTER = timedelta(hours=24)
PAUSE_AFTER_FAILURES = 10


def clamp_interval(interval: timedelta) -> timedelta:
    """The configured interval, raised to the 5-minute floor."""
    return max(interval, MIN_INTERVAL)


def _seconds(value: int | float | None, cap: timedelta) -> timedelta:
    if value is None or value <= 0:
        return timedelta(0)
    return min(timedelta(seconds=value), cap)


def next_poll_after_success(
    now: datetime,
    *,
    interval: timedelta = DEFAULT_INTERVAL,
    max_age: int | None = None,
    retry_after: int | None = None,
    rng: random.Random,
) -> datetime:
    """When to poll again after a successful fetch."""
    base = max(clamp_interval(interval), _seconds(max_age, MAX_CACHE_DELAY))
    jittered = base * (1 + rng.uniform(-JITTER, JITTER))
    # Jitter may shorten the interval, but never below what the server asked for.
    floor = max(MIN_INTERVAL, _seconds(max_age, MAX_CACHE_DELAY),
                _seconds(retry_after, MAX_RETRY_AFTER))
    return now + max(jittered, floor)


def backoff_delay(failures: int) -> timedelta:
    """The back-off after ``failures`` consecutive failures (1 → 5 min, 2 → 10 min, ...)."""
    if failures <= 0:
        return timedelta(0)
    # min() on the exponent first keeps 2**n small for feeds that failed for months.
    doublings = min(failures - 1, 20)
    return min(BACKOFF_BASE * (2 ** doublings), BACKOFF_CAP)


def next_poll_after_failure(
    now: datetime,
    *,
    failures: int,
    retry_after: int | None = None,
    rng: random.Random,
) -> datetime:
    """When to retry after the ``failures``-th consecutive failure (counting this one)."""
    delay = backoff_delay(failures) * (1 + rng.uniform(0, JITTER))
    return now + max(delay, _seconds(retry_after, MAX_RETRY_AFTER))


def should_pause(failures: int) -> bool:
    """True once a feed has failed ``PAUSE_AFTER_FAILURES`` times in a row."""
    return failures >= PAUSE_AFTER_FAILURES
