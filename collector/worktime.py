"""Working-time arithmetic: due times on a working calendar (hours, weekends, holidays).

Two clocks share one small interface (``working_seconds(a, b)`` and ``add(start, seconds)``):

- :class:`WorkCalendar` counts only working hours on working days. A day is decided in this order:
  the center's own working days (``workdays``), the center's own days off (``holidays``), China's
  statutory adjusted working days (调休) and holidays (``statutory``, see :mod:`collector.holidays`),
  then the weekend;
- :class:`ContinuousClock` counts every second (crowd tickets do not wait for Monday).

All functions are pure; datetimes must carry a time zone.

Example:
    >>> from datetime import datetime, date, time, timezone, timedelta
    >>> cal = WorkCalendar(tz=timezone(timedelta(hours=8)),
    ...     hours=((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30))),
    ...     holidays=frozenset({date(2015, 5, 1)}))
    >>> start = datetime(2015, 4, 30, 17, 0, tzinfo=cal.tz)   # Thursday 17:00, then May Day
    >>> cal.add(start, 3600).isoformat()                      # 30 min Thu + 30 min Mon 4 May
    '2015-05-04T09:00:00+08:00'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from collector.holidays import StatutoryDays, coverage_warning

__all__ = ["Clock", "WorkCalendar", "ContinuousClock", "MAX_DAYS", "MAX_SPAN_DAYS"]

MAX_DAYS = 3660
"""``add`` looks this many days ahead at most (a calendar without working days would loop)."""
MAX_SPAN_DAYS = 36600
"""``working_seconds`` refuses spans longer than this (a century)."""


class Clock(Protocol):
    """What the deadline code needs from a clock."""

    @property
    def day_seconds(self) -> float: ...

    def working_seconds(self, a: datetime, b: datetime) -> float: ...

    def add(self, start: datetime, seconds: float) -> datetime: ...

    def coverage_warning(self, ts: datetime) -> str | None: ...


def _aware(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        raise ValueError(f"datetime {ts.isoformat()} has no time zone")
    return ts


@dataclass(frozen=True)
class ContinuousClock:
    """Every second counts (24/7)."""

    @property
    def day_seconds(self) -> float:
        return 86400.0

    def working_seconds(self, a: datetime, b: datetime) -> float:
        return (_aware(b) - _aware(a)).total_seconds()

    def add(self, start: datetime, seconds: float) -> datetime:
        return _aware(start) + timedelta(seconds=seconds)

    def coverage_warning(self, ts: datetime) -> str | None:
        return None  # holidays do not matter to a clock that never stops


@dataclass(frozen=True)
class WorkCalendar:
    """Working hours on working days in one time zone.

    Attributes:
        tz: the calendar's local time zone.
        hours: the day's working intervals, ordered, not overlapping (08:30-12:00, 13:30-17:30).
        weekend: weekdays off (Monday = 0); default Saturday and Sunday.
        holidays: the center's own dates off (on top of the statutory ones).
        workdays: the center's own working dates (on even on a weekend or a statutory holiday).
        statutory: China's holidays and adjusted working days, or None (weekends only).
        own_years: years whose statutory days the center listed itself (no coverage warning).
    """

    tz: tzinfo
    hours: tuple[tuple[time, time], ...]
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    statutory: StatutoryDays | None = None
    own_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.hours:
            raise ValueError("a working calendar needs at least one working interval")
        prev = time(0, 0)
        for i, (a, b) in enumerate(self.hours):
            if not a < b or (i and a < prev):
                raise ValueError(f"working interval {a}-{b} is empty, reversed or overlaps")
            prev = b

    @property
    def day_seconds(self) -> float:
        """Working seconds in one working day (a limit of N days is N times this)."""
        return sum(_secs(b) - _secs(a) for a, b in self.hours)

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if self.statutory is not None:
            if d in self.statutory.workdays:
                return True
            if d in self.statutory.holidays:
                return False
        return d.weekday() not in self.weekend

    def coverage_warning(self, ts: datetime) -> str | None:
        """Why a deadline at ``ts`` may be wrong (its year has no statutory days), or None."""
        if self.statutory is None:
            return None
        day = _aware(ts).astimezone(self.tz).date()
        return coverage_warning(day, self.statutory, self.own_years)

    def _intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(d):
            return []
        return [
            (datetime.combine(d, a, self.tz), datetime.combine(d, b, self.tz))
            for a, b in self.hours
        ]

    def working_seconds(self, a: datetime, b: datetime) -> float:
        """Working seconds between ``a`` and ``b`` (negative if ``b`` is before ``a``)."""
        a, b = _aware(a), _aware(b)
        if b < a:
            return -self.working_seconds(b, a)
        day, last = a.astimezone(self.tz).date(), b.astimezone(self.tz).date()
        if (last - day).days > MAX_SPAN_DAYS:
            raise ValueError(
                f"span {a.isoformat()} .. {b.isoformat()} is longer than {MAX_SPAN_DAYS} days"
            )
        total = 0.0
        while day <= last:
            for lo, hi in self._intervals(day):
                lo, hi = max(lo, a), min(hi, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant when ``seconds`` of working time have passed after ``start``."""
        start = _aware(start)
        if seconds < 0:
            raise ValueError(f"cannot add negative working time ({seconds} s)")
        if seconds == 0:
            return start
        left = float(seconds)
        day = start.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            for lo, hi in self._intervals(day):
                lo = max(lo, start)
                if hi <= lo:
                    continue
                span = (hi - lo).total_seconds()
                if left <= span:
                    return lo + timedelta(seconds=left)
                left -= span
            day += timedelta(days=1)
        raise ValueError(f"no working time within {MAX_DAYS} days of {start.isoformat()}")


def _secs(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second
