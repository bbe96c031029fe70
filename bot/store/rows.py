"""Rows in and out of the database: timestamps and the one row → record mapper.

Rows become the frozen dataclasses of :mod:`bot.store.records` by the dataclass's own fields:
each field reads the column of its name (or the ``column`` its metadata names) and is
converted by its annotation, so a new field needs no mapping code, only its column. A
moderator's mark (``ModeratorAction``) is one field read from the three columns it names.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar, Union, get_args, get_origin, get_type_hints

from bot.store.records import StoreError


class Row(Protocol):
    """A result row as both drivers give it: values by column name (or position)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any:
        """The column names, in order."""
        ...


R = TypeVar("R")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def utc(value: datetime) -> datetime:
    """``value`` in UTC; naive datetimes are refused (they are ambiguous)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware datetimes")
    return value.astimezone(UTC)


def now_or(value: datetime | None) -> datetime:
    return datetime.now(UTC) if value is None else utc(value)


def encode_ts(value: datetime) -> int:
    """SQLite's form of a timestamp: integer microseconds since the epoch (exact, compact)."""
    return (utc(value) - _EPOCH) // _MICROSECOND


def parse_ts(value: Any) -> datetime | None:
    """A stored timestamp (SQLite integer or PostgreSQL datetime) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return _EPOCH + int(value) * _MICROSECOND


def required_ts(value: Any) -> datetime:
    parsed = parse_ts(value)
    if parsed is None:
        raise StoreError("a required timestamp is NULL")
    return parsed


def strings(values: Sequence[str]) -> tuple[str, ...]:
    """A sequence of strings as a tuple; one bare string is refused (it is a sequence too)."""
    if isinstance(values, str):
        raise TypeError("expected a sequence of strings, got one string")
    return tuple(str(v) for v in values)


def encode_strings(values: Sequence[str]) -> str:
    """A list-of-strings column's stored form (JSON text, on both backends)."""
    return json.dumps(strings(values))


# --- rows → records --------------------------------------------------------------------------

Convert = Callable[[Any], Any]


def _optional(convert: Convert) -> Convert:
    return lambda value: None if value is None else convert(value)


def _converter(annotation: Any) -> Convert | None:
    """How a column's value becomes a field of this type (``None``: as it is)."""
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        if inner == [datetime]:
            return parse_ts
        convert = _converter(inner[0]) if len(inner) == 1 else None
        return None if convert is None else _optional(convert)
    if annotation is datetime:
        return required_ts
    if annotation is bool:
        return bool  # SQLite stores 0 / 1
    if annotation is int:
        return int  # aggregates may come back as another integer type
    if get_origin(annotation) is tuple:
        return lambda text: tuple(json.loads(text))
    return None


#: How one field is read: its name, its columns, and the function of their values.
Plan = tuple[tuple[str, tuple[str, ...], Callable[..., Any]], ...]
_PLANS: dict[type, Plan] = {}


def _as_is(value: Any) -> Any:
    return value


def _field_reader(annotation: Any, spread: tuple[str, ...] | None) -> Callable[..., Any]:
    """A plain field converts its one column; a field whose metadata spreads it over
    ``columns`` (a :class:`~bot.store.records.ModeratorAction`, say) is built from them, and
    is ``None`` while the first of them is NULL."""
    if spread is None:
        return _converter(annotation) or _as_is
    [inner] = [a for a in get_args(annotation) if a is not type(None)]
    hints = get_type_hints(inner)
    parts = [_converter(hints[f.name]) or _as_is for f in fields(inner)]

    def build(*values: Any) -> Any:
        if values[0] is None:
            return None
        return inner(*(convert(value) for convert, value in zip(parts, values, strict=True)))
    return build


def _plan(record: type) -> Plan:
    """(field, columns, reader) for every field of ``record``, worked out once."""
    plan = _PLANS.get(record)
    if plan is None:
        hints = get_type_hints(record)
        plan = _PLANS[record] = tuple(
            (f.name, f.metadata.get("columns") or (f.metadata.get("column", f.name),),
             _field_reader(hints[f.name], f.metadata.get("columns")))
            for f in fields(record)
        )
    return plan


def from_row(record: type[R], row: Row) -> R:
    """The ``record`` dataclass read from ``row`` by its fields (see the module docstring)."""
    return record(**{name: read(*(row[c] for c in cols)) for name, cols, read in _plan(record)})


def columns(record: type) -> list[str]:
    """The columns ``from_row`` reads for ``record``, in field order."""
    return [column for _, cols, _ in _plan(record) for column in cols]
