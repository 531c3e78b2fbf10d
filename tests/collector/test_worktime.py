"""Deadline arithmetic across nights, weekends, holidays and make-up working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.worktime import ContinuousClock, WorkCalendar
from tests.collector.builders import example_center

TZ = timezone(timedelta(hours=8))
H = 3600


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return example_center()[0].calendar.calendar()


@pytest.mark.parametrize(
    ("start", "seconds", "due"),
    [
        # within one morning
        (at(2015, 4, 28, 9, 0), 2 * H, at(2015, 4, 28, 11, 0)),
        # across the lunch break (12:00-13:30)
        (at(2015, 4, 28, 11, 0), 2 * H, at(2015, 4, 28, 14, 30)),
        # across a night: Tue 17:00 + 1 h = Wed 09:00
        (at(2015, 4, 28, 17, 0), 1 * H, at(2015, 4, 29, 9, 0)),
        # received at night: the clock starts at 08:30
        (at(2015, 4, 28, 22, 0), 1 * H, at(2015, 4, 29, 9, 30)),
        # across May Day (Fri 1 May holiday) and the weekend: Thu 17:00 + 1 h = Mon 09:00
        (at(2015, 4, 30, 17, 0), 1 * H, at(2015, 5, 4, 9, 0)),
        # received on the holiday itself
        (at(2015, 5, 1, 10, 0), 30 * 60, at(2015, 5, 4, 9, 0)),
        # 3 working days of 7.5 h from Thursday 09:00: Thu 7 h, Mon, Tue, Wed 0.5 h
        (at(2015, 4, 30, 9, 0), 3 * 7.5 * H, at(2015, 5, 6, 9, 0)),
        # make-up working day: Sunday 4 January 2015 works
        (at(2015, 1, 3, 10, 0), 1 * H, at(2015, 1, 4, 9, 30)),
        # National Day week off, Saturday 10 October works
        (at(2015, 9, 30, 17, 0), 1 * H, at(2015, 10, 8, 9, 0)),
        (at(2015, 10, 9, 17, 0), 1 * H, at(2015, 10, 10, 9, 0)),
        # zero adds nothing, even outside working hours
        (at(2015, 5, 2, 3, 0), 0, at(2015, 5, 2, 3, 0)),
    ],
)
def test_add_working_time(
    cal: WorkCalendar, start: datetime, seconds: float, due: datetime
) -> None:
    assert cal.add(start, seconds) == due
    if seconds:
        assert cal.working_seconds(start, due) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        (at(2015, 4, 30, 8, 0), at(2015, 5, 4, 23, 0), 7.5 + 7.5),  # Thu + Mon; Fri-Sun off
        (at(2015, 5, 2, 0, 0), at(2015, 5, 3, 23, 59), 0.0),  # weekend
        (at(2015, 4, 28, 12, 0), at(2015, 4, 28, 13, 30), 0.0),  # lunch
        (at(2015, 4, 28, 11, 30), at(2015, 4, 28, 14, 0), 1.0),
    ],
)
def test_working_seconds(cal: WorkCalendar, a: datetime, b: datetime, hours: float) -> None:
    assert cal.working_seconds(a, b) == pytest.approx(hours * H)
    assert cal.working_seconds(b, a) == pytest.approx(-hours * H)


def test_zone_of_the_input_does_not_matter(cal: WorkCalendar) -> None:
    start = at(2015, 4, 30, 17, 0)
    utc = start.astimezone(UTC)
    assert cal.add(utc, H) == cal.add(start, H) == at(2015, 5, 4, 9, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": ()}, "at least one"),
        ({"hours": ((time(12), time(9)),)}, "empty, reversed"),
        ({"hours": ((time(8), time(12)), (time(11), time(14)))}, "overlaps"),
    ],
)
def test_bad_calendar(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar(tz=TZ, **kwargs)


def test_no_working_day_is_refused() -> None:
    cal = WorkCalendar(tz=TZ, hours=((time(9), time(17)),), weekend=frozenset(range(7)))
    with pytest.raises(ValueError, match="no working time"):
        cal.add(at(2015, 1, 1, 9), H)


def test_naive_datetime_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="time zone"):
        cal.add(datetime(2015, 1, 5, 9), H)


def test_continuous_clock() -> None:
    clock = ContinuousClock()
    assert clock.add(at(2015, 5, 1, 23, 30), 3600) == at(2015, 5, 2, 0, 30)
    assert clock.day_seconds == 86400


@given(
    start=st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2015, 12, 20)),
    a=st.floats(min_value=0, max_value=60 * H),
    b=st.floats(min_value=0, max_value=60 * H),
)
def test_add_is_inverse_of_working_seconds_and_additive(
    start: datetime, a: float, b: float
) -> None:
    cal = example_center()[0].calendar.calendar()
    start = start.replace(tzinfo=TZ)
    end = cal.add(start, a)
    assert cal.working_seconds(start, end) == pytest.approx(a, abs=1e-3)
    later = cal.add(end, b)
    assert cal.working_seconds(start, later) == pytest.approx(a + b, abs=1e-3)
    # the same instant in working time (17:30 and the next 08:30 are the same working instant)
    assert cal.working_seconds(later, cal.add(start, a + b)) == pytest.approx(0, abs=1e-3)
    if a > 0:
        assert cal.is_workday(end.astimezone(TZ).date())


def test_may_day_2015_is_a_holiday(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2015, 5, 1))
    assert cal.is_workday(date(2015, 4, 30)) and cal.is_workday(date(2015, 5, 4))
