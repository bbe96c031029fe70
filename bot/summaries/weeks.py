"""ISO weeks in a guild's time zone.

A week runs from Monday 00:00 to the next Monday 00:00 *local* time, converted to UTC, so a
week is 167, 168 or 169 hours long around DST changes and consecutive weeks tile exactly (the
end of one is computed the same way as the start of the next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


class WeekError(ValueError):
    """A week string or time zone the summaries cannot use; the message says what is expected."""


def zone(tz: str | ZoneInfo | None) -> ZoneInfo:
    """``tz`` as a ``ZoneInfo`` (``None`` means UTC); unknown names raise ``WeekError``."""
    if isinstance(tz, ZoneInfo):
        return tz
    name = (tz or "UTC").strip()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WeekError(
            f"unknown time zone {name!r}: use an IANA name like Europe/London") from None


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """An ISO 8601 week, e.g. ``IsoWeek(2026, 47)`` written ``2026-W47``."""

    year: int
    week: int

    def __post_init__(self) -> None:
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise WeekError(f"{self.year} has no ISO week {self.week}") from None

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2026-W47`` (also ``2026-w47``, ``2026W47``, ``2026-W7``)."""
        match = _WEEK.match(text)
        if match is None:
            raise WeekError(f"a week looks like 2026-W47 (year, W, week number), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, instant: datetime, tz: str | ZoneInfo | None) -> IsoWeek:
        """The week that contains ``instant`` in the zone ``tz``."""
        if instant.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one")
        year, week, _ = instant.astimezone(zone(tz)).isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def day(self, weekday: int) -> date:
        """The date of ``weekday`` (0 = Monday, as ``datetime.weekday``) in this week."""
        return self.monday() + timedelta(days=weekday)

    def shift(self, weeks: int) -> IsoWeek:
        year, week, _ = (self.monday() + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(year, week)

    def previous(self) -> IsoWeek:
        return self.shift(-1)

    def next(self) -> IsoWeek:
        return self.shift(1)

    def window(self, tz: str | ZoneInfo | None) -> tuple[datetime, datetime]:
        """``[start, end)`` in UTC: local Monday 00:00 to the next local Monday 00:00."""
        return local_to_utc(self.monday(), 0, tz), local_to_utc(self.next().monday(), 0, tz)


def local_to_utc(day: date, hour: int, tz: str | ZoneInfo | None) -> datetime:
    """``day`` at ``hour``:00 wall time in ``tz``, as UTC.

    An hour that does not exist (spring forward) resolves, as zoneinfo does with ``fold=0``,
    with the offset in force before the change: 02:00 on a 02:00→03:00 night is 03:00 local.
    An hour that happens twice (fall back) is its first occurrence.
    """
    local = datetime.combine(day, time(hour), tzinfo=zone(tz))
    return local.astimezone(UTC)


def last_complete_week(now: datetime, tz: str | ZoneInfo | None) -> IsoWeek:
    """The latest week that has ended at ``now`` in ``tz`` (the one before the current week)."""
    return IsoWeek.of(now, tz).previous()
