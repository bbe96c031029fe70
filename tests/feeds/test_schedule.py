"""The polling schedule: pure functions of the outcome, the clock and a seeded RNG."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

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


@given(rng=st.randoms(use_true_random=False),
       interval=st.timedeltas(min_value=timedelta(0), max_value=MIN_INTERVAL))
def test_interval_floor_is_five_minutes(rng: random.Random, interval: timedelta) -> None:
    assert clamp_interval(interval) == MIN_INTERVAL
    assert next_poll_after_success(NOW, interval=interval, rng=rng) - NOW >= MIN_INTERVAL


@given(rng=st.randoms(use_true_random=False), max_age=st.integers(0, 2 * 365 * 86400))
def test_max_age_longer_than_the_interval_is_honoured_and_capped(rng: random.Random,
                                                                  max_age: int) -> None:
    # A cache lifetime sets the delay when it is longer than the interval, up to a cap; the
    # jitter only ever adds up to a tenth.
    expected = min(max(timedelta(seconds=max_age), 15 * MINUTE), MAX_CACHE_DELAY)
    delay = next_poll_after_success(NOW, interval=15 * MINUTE, max_age=max_age, rng=rng) - NOW
    if expected == 15 * MINUTE:
        assert 13.5 * MINUTE <= delay <= 16.5 * MINUTE
    else:
        assert expected <= delay <= expected * 1.1


def test_retry_after_on_success_is_a_floor() -> None:
    delay = next_poll_after_success(NOW, retry_after=7200, rng=random.Random(1)) - NOW
    assert delay >= timedelta(hours=2)


def test_backoff_sequence() -> None:
    assert backoff_delay(0) == timedelta(0)
    assert [backoff_delay(n) for n in range(1, 11)] == [
        5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE, 160 * MINUTE,
        320 * MINUTE, 640 * MINUTE, 1280 * MINUTE, BACKOFF_CAP]
    assert backoff_delay(10_000) == BACKOFF_CAP


@given(rng=st.randoms(use_true_random=False), failures=st.integers(1, 40))
def test_failure_poll_adds_only_positive_jitter(rng: random.Random, failures: int) -> None:
    delay = next_poll_after_failure(NOW, failures=failures, rng=rng) - NOW
    assert backoff_delay(failures) <= delay <= backoff_delay(failures) * 1.1


def test_failure_poll_honours_retry_after_up_to_a_day() -> None:
    rng = random.Random(5)
    delay = next_poll_after_failure(NOW, failures=1, retry_after=3 * 3600, rng=rng) - NOW
    assert delay == timedelta(hours=3)
    capped = next_poll_after_failure(NOW, failures=1, retry_after=10 * 86400, rng=rng) - NOW
    assert capped == timedelta(hours=24)


def test_pause_after_ten_failures() -> None:
    assert PAUSE_AFTER_FAILURES == 10
    assert not should_pause(9) and should_pause(10) and should_pause(11)
