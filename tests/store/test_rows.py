"""The one row mapper: each field of a record read from its column and converted by its type."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.store import StoreError, Subscription
from bot.store.rows import columns, encode_ts, from_row

STAMP = datetime(2026, 11, 16, 9, 30, 15, 123456, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Sample:
    count: int
    flag: bool
    when: datetime
    maybe_when: datetime | None
    maybe_count: int | None
    words: tuple[str, ...] = field(metadata={"column": "words_json"})
    name: str = "x"


def test_fields_are_converted_by_their_types() -> None:
    row = {"count": True, "flag": 0, "when": encode_ts(STAMP), "maybe_when": None,
           "maybe_count": 7, "words_json": '["a", "b"]', "name": "n"}
    assert from_row(_Sample, row) == _Sample(1, False, STAMP, None, 7, ("a", "b"), "n")
    paris = timezone(timedelta(hours=1))
    naive = STAMP.replace(tzinfo=None)  # as a driver may hand back a UTC timestamp
    row |= {"when": STAMP.astimezone(paris), "maybe_when": naive, "maybe_count": None}
    sample = from_row(_Sample, row)
    assert (sample.when, sample.maybe_when, sample.maybe_count) == (STAMP, STAMP, None)
    assert sample.when.tzinfo is UTC


def test_a_required_timestamp_must_be_there() -> None:
    row = {"count": 1, "flag": 1, "when": None, "maybe_when": None, "maybe_count": None,
           "words_json": "[]", "name": "n"}
    with pytest.raises(StoreError, match="required timestamp"):
        from_row(_Sample, row)


def test_columns_follow_the_fields_and_their_metadata() -> None:
    assert columns(_Sample)[-2:] == ["words_json", "name"]
    assert {"include_filters", "exclude_filters"} <= set(columns(Subscription))
