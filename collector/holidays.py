"""China's statutory holidays and adjusted working days (调休), from the ``chinese-calendar`` library.

The State Council publishes each year's schedule late in the year before; ``chinese-calendar`` is
released with it, so upgrading the package is how a center gets next year's days. A year the
installed release does not cover yet is counted with weekends and the center's own days only, and
:func:`coverage_warning` says so (logged once per year by :func:`warn_once`).

Example:
    >>> from datetime import date
    >>> days = statutory_days()
    >>> date(2026, 10, 1) in days.holidays, date(2026, 10, 10) in days.workdays
    (True, True)
    >>> days.covers(date(2026, 2, 14)), days.first_year <= 2015
    (True, True)
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date
from importlib import metadata

import chinese_calendar

__all__ = ["StatutoryDays", "statutory_days", "coverage_warning", "warn_once"]

log = logging.getLogger(__name__)
_warned: set[int] = set()


@dataclass(frozen=True)
class StatutoryDays:
    """Days off and adjusted working days for the years ``first_year``..``last_year``."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    first_year: int
    last_year: int
    source: str

    def __post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise ValueError(f"years {self.first_year}..{self.last_year} are reversed")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"days both off and working: {sorted(both)[:3]}")

    def covers(self, d: date) -> bool:
        return self.first_year <= d.year <= self.last_year


@functools.cache
def statutory_days() -> StatutoryDays:
    """The installed ``chinese-calendar`` release's days (read once per process)."""
    holidays = frozenset(chinese_calendar.holidays)
    # the library's ``workdays`` lists the weekend days that are worked (调休), nothing else
    workdays = frozenset(chinese_calendar.workdays)
    years = [d.year for d in holidays | workdays]
    version = metadata.version("chinese-calendar")
    return StatutoryDays(holidays, workdays, min(years), max(years), f"chinese-calendar {version}")


def coverage_warning(d: date, days: StatutoryDays, own_years: frozenset[int]) -> str | None:
    """Why a deadline on ``d`` may be wrong, or None when the year is known.

    ``own_years``: years the center entered its own statutory days for (``calendar.yaml``).
    """
    if days.covers(d) or d.year in own_years:
        return None
    return (
        f"working calendar: {d.isoformat()} is in {d.year}, which {days.source} does not cover "
        f"(it has {days.first_year}-{days.last_year}); the deadline counts weekends and the "
        f"center's own days only. Upgrade chinese-calendar once the State Council has published "
        f"{d.year}'s holidays, or list them under calendar.holidays/workdays and add {d.year} to "
        "calendar.own_years."
    )


def warn_once(year: int, message: str) -> None:
    """Log a coverage warning once per year and process (every deadline of that year has it)."""
    if year not in _warned:
        _warned.add(year)
        log.warning("%s", message)
