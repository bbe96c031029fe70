"""The polling schedule: pure functions of the outcome, the clock and a seeded RNG."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.feeds.schedule import (
    BACKOFF_CAP,
    MAX_CACHE_DELAY,
    MIN_INTERVAL,
    PAUSE_AFTER_FAILURES,
    backoff_delay,
    clamp_interval,
    next_poll_after_failure,
    next_poll_after_success,
    should_pause,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_interval_with_jitter_within_ten_percent() -> None:
    rng = random.Random(3)
    delays = [next_poll_after_success(NOW, interval=15 * MINUTE, rng=rng) - NOW
              for _ in range(500)]
    assert all(13.5 * MINUTE <= d <= 16.5 * MINUTE for d in delays)
    assert len(set(delays)) > 400  # spread, not lock-step


def test_jitter_is_deterministic_with_a_seed() -> None:
    first = [next_poll_after_success(NOW, rng=random.Random(9)) for _ in range(3)]
    again = [next_poll_after_success(NOW, rng=random.Random(9)) for _ in range(3)]
    assert first == again


def test_interval_floor_is_five_minutes() -> None:
    assert clamp_interval(MINUTE) == MIN_INTERVAL
    for seed in range(50):
        when = next_poll_after_success(NOW, interval=MINUTE, rng=random.Random(seed))
        assert when - NOW >= MIN_INTERVAL


def test_max_age_longer_than_the_interval_is_honoured_and_capped() -> None:
    for seed in range(50):
        rng = random.Random(seed)
        delay = next_poll_after_success(NOW, max_age=3600, rng=rng) - NOW
        assert timedelta(hours=1) <= delay <= timedelta(hours=1.1)
        shorter = next_poll_after_success(NOW, max_age=60, rng=rng) - NOW
        assert 13.5 * MINUTE <= shorter <= 16.5 * MINUTE
        year = next_poll_after_success(NOW, max_age=365 * 86400, rng=rng) - NOW
        assert MAX_CACHE_DELAY <= year <= MAX_CACHE_DELAY * 1.1


def test_retry_after_on_success_is_a_floor() -> None:
    delay = next_poll_after_success(NOW, retry_after=7200, rng=random.Random(1)) - NOW
    assert delay >= timedelta(hours=2)


def test_backoff_sequence() -> None:
    assert backoff_delay(0) == timedelta(0)
    assert [backoff_delay(n) for n in range(1, 11)] == [
        5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE, 160 * MINUTE,
        320 * MINUTE, 640 * MINUTE, 1280 * MINUTE, BACKOFF_CAP]
    assert backoff_delay(10_000) == BACKOFF_CAP


def test_failure_poll_adds_only_positive_jitter_and_honours_retry_after() -> None:
    rng = random.Random(5)
    for failures in range(1, 12):
        delay = next_poll_after_failure(NOW, failures=failures, rng=rng) - NOW
        assert backoff_delay(failures) <= delay <= backoff_delay(failures) * 1.1
    delay = next_poll_after_failure(NOW, failures=1, retry_after=3 * 3600, rng=rng) - NOW
    assert delay == timedelta(hours=3)
    capped = next_poll_after_failure(NOW, failures=1, retry_after=10 * 86400, rng=rng) - NOW
    assert capped == timedelta(hours=24)


def test_pause_after_ten_failures() -> None:
    assert PAUSE_AFTER_FAILURES == 10
    assert not should_pause(9) and should_pause(10) and should_pause(11)
