"""Reporting periods: ``2015``, ``2015-Q2``, ``2015-05``, ``2015-05-01`` or ``FROM..TO`` (dates,
inclusive), in the calendar's local time.

Example:
    >>> from datetime import timezone, timedelta
    >>> p = parse_period("2015-Q2", timezone(timedelta(hours=8)))
    >>> p.start.isoformat(), p.end.isoformat()
    ('2015-04-01T00:00:00+08:00', '2015-07-01T00:00:00+08:00')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from collector.errors import PeriodError

__all__ = ["Period", "parse_period", "PeriodError", "month_key"]


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime  # exclusive

    def contains(self, ts: datetime) -> bool:
        return self.start <= ts < self.end


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _dates(text: str) -> tuple[date, date]:
    if m := re.fullmatch(r"(\d{4})", text):
        y = int(m[1])
        return date(y, 1, 1), date(y + 1, 1, 1)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        y, q = int(m[1]), int(m[2])
        return _month_start(y, 3 * q - 2), _month_start(y, 3 * q + 1)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise ValueError
        return date(y, mo, 1), _month_start(y, mo + 1)
    if ".." in text:
        a, b = text.split("..", 1)
        start, end = date.fromisoformat(a), date.fromisoformat(b)
        if end < start:
            raise ValueError
        return start, end + timedelta(days=1)
    d = date.fromisoformat(text)
    return d, d + timedelta(days=1)


def parse_period(text: str, tz: tzinfo) -> Period:
    """The period ``text`` names, as [start, end) in time zone ``tz``."""
    try:
        start, end = _dates(text.strip())
    except ValueError:
        raise PeriodError(
            f"period {text!r} not understood; use 2015, 2015-Q2, 2015-05, 2015-05-01 or "
            "2015-05-01..2015-05-07"
        ) from None
    return Period(text, datetime.combine(start, time(), tz), datetime.combine(end, time(), tz))


def month_key(ts: datetime, tz: tzinfo) -> str:
    return ts.astimezone(tz).strftime("%Y-%m")
