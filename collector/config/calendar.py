"""The working calendar (``calendar.yaml``): hours, weekend, China's statutory days from
``chinese-calendar``, and the center's own days on top (see :mod:`collector.worktime`)."""

from __future__ import annotations

from datetime import date, time, timedelta, timezone
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from collector.holidays import statutory_days
from collector.worktime import Clock, ContinuousClock, WorkCalendar

__all__ = ["CalendarConfig", "ClockKind"]


class ClockKind(StrEnum):
    WORKING = "working"
    CONTINUOUS = "continuous"


class CalendarConfig(BaseModel):
    """The working calendar: China's statutory days (``chinese-calendar``), the center's on top."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    utc_offset: str = Field("+08:00", pattern=r"^[+-]\d{2}:\d{2}$", description="Local offset.")
    hours: list[tuple[time, time]] = Field(..., min_length=1, description="Daily working hours.")
    weekend: list[int] = Field([5, 6], description="Weekdays off, Monday = 0.")
    statutory: bool = Field(
        True,
        description="Take China's statutory holidays and adjusted working days (调休) from the "
        "chinese-calendar library.",
    )
    holidays: list[date] = Field(
        default_factory=list, description="The center's own dates off, on top of the statutory."
    )
    workdays: list[date] = Field(
        default_factory=list,
        description="The center's own working dates (win over weekends and statutory holidays).",
    )
    own_years: list[Annotated[int, Field(ge=1949, le=2200)]] = Field(
        default_factory=list,
        description="Years whose statutory days are listed here by hand because the installed "
        "chinese-calendar does not cover them yet (silences the coverage warning).",
    )

    @model_validator(mode="after")
    def _check(self) -> CalendarConfig:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"{both[0].isoformat()} is both in holidays and in workdays")
        bad = [d for d in self.weekend if not 0 <= d <= 6]
        if bad:
            raise ValueError(f"weekend day {bad[0]} is not a weekday number 0 (Monday) .. 6")
        return self

    def tz(self) -> timezone:
        sign = -1 if self.utc_offset[0] == "-" else 1
        hh, mm = self.utc_offset[1:].split(":")
        return timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))

    def calendar(self) -> WorkCalendar:
        return WorkCalendar(
            tz=self.tz(),
            hours=tuple(self.hours),
            weekend=frozenset(self.weekend),
            holidays=frozenset(self.holidays),
            workdays=frozenset(self.workdays),
            statutory=statutory_days() if self.statutory else None,
            own_years=frozenset(self.own_years),
        )

    def clock(self, kind: ClockKind) -> Clock:
        return self.calendar() if kind is ClockKind.WORKING else ContinuousClock()
