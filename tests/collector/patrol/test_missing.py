"""The scheduler's ``patrol_missing`` job on a multi-day patrol: a day without its check is
flagged once its window and the grace have passed (the center's calendar), exactly once across
rounds and two collectors, and a check arriving late fills the flagged day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from collector.grid.store import load_center
from collector.patrol import day_patrol, place_period
from collector.scheduler import Scheduler, SchedulerConfig
from collector.store import open_store
from edge_agent.contract.patrol import Verdict
from tests.collector.builders import center_db, local
from tests.collector.patrol.places import HOTSPOT, HOUSEHOLD, ingest, patrol_check

FIRST = date(2026, 9, 29)  # into the National Day holidays: patrolled every day all the same
COURTYARD = ("xitang", "build-01", "courtyard")


def _scheduler(path: Path, at: datetime) -> Scheduler:
    return Scheduler(str(path), SchedulerConfig(), clock=lambda: at)


def _store(tmp_path: Path) -> Path:
    """Three days of the courtyard: checked, camera down, and a third day without any check."""
    path = tmp_path / "c.sqlite"
    db = center_db(str(path))
    ingest(db, patrol_check(HOTSPOT, FIRST, Verdict.UNCHANGED), local(2026, 9, 29, 10, 5))
    second = FIRST + timedelta(days=1)
    ingest(db, patrol_check(HOTSPOT, second, Verdict.CAMERA_DOWN), local(2026, 9, 30, 11, 0))
    db.close()
    return path


def test_a_day_without_its_check_is_flagged_once_after_the_window_and_grace(tmp_path) -> None:
    path = _store(tmp_path)
    third = FIRST + timedelta(days=2)
    # window 09:00-11:00 (from its checks), grace 60 min: due at 12:00 on the 1st of October
    assert _scheduler(path, local(2026, 10, 1, 11, 59)).run_once()["patrol_missing"] == 0
    due = local(2026, 10, 1, 12, 0)
    assert _scheduler(path, due).run_once()["patrol_missing"] == 1
    assert _scheduler(path, due + timedelta(minutes=5)).run_once()["patrol_missing"] == 0
    assert (
        Scheduler(str(path), SchedulerConfig(), clock=lambda: due).run_once()["patrol_missing"] == 0
    )  # a second collector on the same store finds the flag
    db = open_store(path)
    center = load_center(db)
    days = place_period(db, center, COURTYARD, FIRST, third)
    assert [(d.day.day, d.verdict, d.flagged) for d in days] == [
        (29, "unchanged", False),
        (30, "camera_down", True),
        (1, "missing", True),
    ]
    [cell] = day_patrol(db, center, third)
    assert cell.flags == 1 and cell.places[0].missing_since == due.astimezone(UTC)
    db.close()


def test_a_check_arriving_after_its_flag_fills_the_day_and_shows_it_came_late(tmp_path) -> None:
    path = _store(tmp_path)
    third = FIRST + timedelta(days=2)
    assert _scheduler(path, local(2026, 10, 1, 13, 0)).run_once()["patrol_missing"] == 1
    db = open_store(path)
    ingest(db, patrol_check(HOTSPOT, third, Verdict.UNCHANGED), local(2026, 10, 1, 14, 0))
    [day] = place_period(db, load_center(db), COURTYARD, third, third)
    assert (day.verdict, day.flagged, day.late) == ("unchanged", False, True)
    db.close()
    assert _scheduler(path, local(2026, 10, 1, 15, 0)).run_once()["patrol_missing"] == 0


def test_a_place_unheard_of_for_a_week_is_no_longer_expected(tmp_path) -> None:
    path = tmp_path / "c.sqlite"
    db = center_db(str(path))
    ingest(db, patrol_check(HOUSEHOLD, FIRST, Verdict.UNCHANGED), local(2026, 9, 29, 10, 0))
    db.close()
    # from the day after it was first heard of, while heard of within 7 days: the 30th to the 5th
    assert _scheduler(path, local(2026, 10, 6, 9, 30)).run_once()["patrol_missing"] == 6
    assert _scheduler(path, local(2026, 10, 20, 12, 0)).run_once()["patrol_missing"] == 0
