"""China's working calendar: 2026 Spring Festival and National Day from chinese-calendar, the
center's own days on top, and the warning for a year the library does not cover yet."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

import collector.holidays as holidays_mod
from collector.cli.main import app
from collector.config.load import parse_center
from collector.errors import ConfigError
from collector.holidays import statutory_days
from collector.tickets.sla import budget_for, due_time
from collector.worktime import WorkCalendar
from tests.collector.builders import center_db, example_center

TZ = timezone(timedelta(hours=8))
H = 3600


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def calendar(**changes: object) -> WorkCalendar:
    cfg = example_center()[0].calendar.model_copy(update=changes)
    return cfg.calendar()


def test_the_library_knows_2026_as_published() -> None:
    """The facts the deadline cases below rely on, read from the library itself."""
    days = statutory_days()
    spring = [date(2026, 2, d) for d in range(15, 24)]
    national = [date(2026, 10, d) for d in range(1, 8)]
    assert set(spring + national) <= days.holidays
    # 调休: Saturday 14 Feb, Saturday 28 Feb, Sunday 20 Sep and Saturday 10 Oct 2026 are worked
    adjusted = {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)}
    assert adjusted <= days.workdays
    assert {d.weekday() for d in adjusted} <= {5, 6}
    assert days.source.startswith("chinese-calendar ")


@pytest.mark.parametrize(
    ("start", "seconds", "due"),
    [
        # Friday 13 Feb 17:00 + 1 h: the adjusted Saturday 14 Feb works
        (at(2026, 2, 13, 17, 0), 1 * H, at(2026, 2, 14, 9, 0)),
        # Saturday 14 Feb 17:00 + 1 h: Spring Festival 15-23 Feb off, Tuesday 24 Feb 09:00
        (at(2026, 2, 14, 17, 0), 1 * H, at(2026, 2, 24, 9, 0)),
        # received on New Year's Eve (Monday 16 Feb, a holiday): the clock waits for the 24th
        (at(2026, 2, 16, 10, 0), 30 * 60, at(2026, 2, 24, 9, 0)),
        # 3 working days from Fri 13 Feb 09:00: Fri 7 h, Sat 14th 7.5 h, Tue 24th 7.5 h, Wed 0.5 h
        (at(2026, 2, 13, 9, 0), 3 * 7.5 * H, at(2026, 2, 25, 9, 0)),
        # the adjusted Saturday 28 Feb works too
        (at(2026, 2, 27, 17, 0), 1 * H, at(2026, 2, 28, 9, 0)),
        # Mid-autumn Friday 25 Sep off: Thu 24 Sep 17:00 + 1 h = Mon 28 Sep 09:00
        (at(2026, 9, 24, 17, 0), 1 * H, at(2026, 9, 28, 9, 0)),
        # the adjusted Sunday 20 Sep works
        (at(2026, 9, 18, 17, 0), 1 * H, at(2026, 9, 20, 9, 0)),
        # National Day 1-7 Oct off: Wed 30 Sep 17:00 + 1 h = Thu 8 Oct 09:00
        (at(2026, 9, 30, 17, 0), 1 * H, at(2026, 10, 8, 9, 0)),
        # the adjusted Saturday 10 Oct works: Fri 9 Oct 17:00 + 1 h = Sat 10 Oct 09:00
        (at(2026, 10, 9, 17, 0), 1 * H, at(2026, 10, 10, 9, 0)),
        # and after it Sunday is off again: Sat 17:00 + 1 h = Mon 12 Oct 09:00
        (at(2026, 10, 10, 17, 0), 1 * H, at(2026, 10, 12, 9, 0)),
    ],
)
def test_deadlines_across_2026_holidays(start: datetime, seconds: float, due: datetime) -> None:
    cal = example_center()[0].calendar.calendar()
    assert cal.add(start, seconds) == due
    assert cal.working_seconds(start, due) == pytest.approx(seconds)


def test_a_ticket_limit_of_the_example_center_across_national_day() -> None:
    """Illegal construction (0101), dispatched the day before National Day."""
    center = example_center()[0]
    kind, budget = budget_for("0101", False, center)
    clock = center.calendar.clock(center.category("0101").clock)
    start = at(2026, 9, 30, 9, 0)
    due = due_time(start, budget, 0.0, clock)
    days = budget / clock.day_seconds
    assert kind == "working" and days >= 1
    # every working second between start and due lies outside 1-7 October
    assert clock.working_seconds(start, due) == pytest.approx(budget)
    off = clock.working_seconds(at(2026, 10, 1, 0, 0), at(2026, 10, 8, 0, 0))
    assert off == 0
    assert due > at(2026, 10, 8, 8, 30)


@pytest.mark.parametrize(
    ("changes", "day", "works"),
    [
        ({}, date(2026, 2, 16), False),  # statutory holiday
        ({"workdays": [date(2026, 2, 16)]}, date(2026, 2, 16), True),  # the center's duty day
        ({}, date(2026, 2, 13), True),  # a plain Friday
        ({"holidays": [date(2026, 2, 13)]}, date(2026, 2, 13), False),  # the center's own day off
        ({"holidays": [date(2026, 2, 14)]}, date(2026, 2, 14), False),  # over an adjusted Saturday
        ({"statutory": False}, date(2026, 2, 16), True),  # weekends only
        ({"statutory": False}, date(2026, 2, 14), False),
    ],
)
def test_the_centers_own_days_go_on_top(changes: dict, day: date, works: bool) -> None:
    assert calendar(**changes).is_workday(day) is works


def _uncovered_year() -> int:
    return statutory_days().last_year + 1


def test_a_deadline_in_an_uncovered_year_is_warned_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holidays_mod, "_warned", set())
    year = _uncovered_year()
    cal = calendar()
    start = at(year - 1, 12, 31, 17, 0)
    with caplog.at_level(logging.WARNING, logger="collector.holidays"):
        due = due_time(start, 2 * H, 0.0, cal)
        due_time(start, 3 * H, 0.0, cal)
    assert due.year == year
    records = [r for r in caplog.records if r.name == "collector.holidays"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert f"in {year}, which chinese-calendar" in message
    assert "calendar.own_years" in message
    # the year before is covered: no warning
    assert cal.coverage_warning(at(year - 1, 12, 31, 9, 0)) is None


def test_own_years_silence_the_warning() -> None:
    year = _uncovered_year()
    assert calendar().coverage_warning(at(year, 3, 2, 9, 0)) is not None
    assert calendar(own_years=[year]).coverage_warning(at(year, 3, 2, 9, 0)) is None
    assert calendar(statutory=False).coverage_warning(at(year, 3, 2, 9, 0)) is None


@pytest.mark.parametrize(
    ("calendar_yaml", "message"),
    [
        ({"holidays": ["2026-02-13"], "workdays": ["2026-02-13"]}, "both in holidays and"),
        ({"weekend": [7]}, "weekend day 7"),
        ({"own_years": [1800]}, "own_years"),
        ({"statutory": "yes please"}, "statutory"),
        ({"holiday": ["2026-02-13"]}, "holiday"),
    ],
)
def test_bad_calendar_config_names_the_key(calendar_yaml: dict, message: str) -> None:
    center, _ = example_center()
    data = center.model_dump(mode="json")
    data["calendar"].update(calendar_yaml)
    with pytest.raises(ConfigError, match=message) as err:
        parse_center(data, "calendar.yaml")
    assert "calendar" in str(err.value)


def test_calendar_show_and_check_cli(tmp_path) -> None:
    db = str(tmp_path / "c.sqlite")
    center_db(db).close()
    runner = CliRunner()
    shown = runner.invoke(app, ["calendar", "show", "--year", "2026", "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    days = dict(json.loads(shown.output)["days"])
    assert days["2026-02-14"] == "worked (statutory)"  # the adjusted Saturday
    assert days["2026-10-01"] == "off (statutory)"
    assert "2026-10-03" not in days  # a Saturday off is no exception
    later = statutory_days().last_year + 1
    out = runner.invoke(app, ["calendar", "show", "--year", str(later), "--db", db])
    assert out.exit_code == 0 and f"in {later}, which chinese-calendar" in out.output
    check = runner.invoke(app, ["calendar", "check", "--years", "1", "--db", db])
    covered = datetime.now().year + 1 <= statutory_days().last_year
    assert check.exit_code == (0 if covered else 1), check.output
