"""A patrol check goes through the real ingest (validation, event store) and becomes its place's
record of the day, once; a stop-work household's construction change opens a ticket of its own
category holding the order's case number, and a ``changed`` verdict links to that ticket."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from collector.grid.store import load_center
from collector.patrol import day_patrol, file_patrol_check, flag_missing, place_period
from collector.tickets import get_ticket, list_tickets
from collector.tickets.detail import ticket_document
from edge_agent.contract.patrol import Verdict
from tests.collector.builders import center_db, local
from tests.collector.patrol.places import (
    HOTSPOT,
    HOUSEHOLD,
    construction_change,
    incident_id,
    ingest,
    patrol_check,
)

DAY = date(2026, 2, 17)  # the Spring Festival: patrolled all the same
NOW = datetime(2026, 2, 17, 3, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    store = center_db(str(tmp_path / "c.sqlite"))
    yield store
    store.close()


def _count(db, sql: str, *params: object) -> int:
    return int(db.execute(sql, params).fetchone()[0])


def test_a_patrol_check_is_stored_once_and_filed_as_the_days_record_not_a_ticket(db) -> None:
    check = patrol_check(HOTSPOT, DAY, Verdict.UNCHANGED)
    first = ingest(db, check, NOW)
    assert (first.new, first.other, first.dead) == (1, 2, 0), first.dead_reasons
    again = ingest(db, check, NOW)  # the box re-sends after a lost receipt
    assert (again.new, again.duplicates) == (0, 1)
    assert _count(db, "SELECT COUNT(*) FROM ingest_incidents WHERE filed = 1") == 1
    payload = json.loads(check[0][1])
    assert file_patrol_check(db, payload).outcome == "duplicate"  # filing is idempotent too
    assert _count(db, "SELECT COUNT(*) FROM patrol_days") == 1
    assert _count(db, "SELECT COUNT(*) FROM evidence_files") == 2
    assert list_tickets(db) == []
    [cell] = day_patrol(db, load_center(db), DAY)
    assert (cell.cell, cell.name, cell.flags) == (HOTSPOT.cell, "Nanzha courtyard row", 0)
    [place] = cell.places
    assert (place.place, place.verdict, place.kind) == (
        "xitang/build-01/courtyard",
        "unchanged",
        "construction_hotspot",
    )
    assert place.observed_at == local(2026, 2, 17, 10, 0)
    assert place.frame("after") and place.frame("before")
    assert place.frame("after") != place.frame("before")


def test_a_second_check_of_the_same_day_keeps_the_first(db) -> None:
    ingest(db, patrol_check(HOTSPOT, DAY, Verdict.UNCHANGED), NOW)
    ingest(db, patrol_check(HOTSPOT, DAY, Verdict.CAMERA_DOWN, hour=11), NOW)
    assert _count(db, "SELECT COUNT(*) FROM ingest_incidents") == 2  # both events kept
    [cell] = day_patrol(db, load_center(db), DAY)
    assert [p.verdict for p in cell.places] == ["unchanged"]


def test_a_stop_work_breach_opens_its_own_category_linked_to_the_case(db) -> None:
    change = construction_change(HOUSEHOLD, local(2026, 2, 17, 9, 40))
    ingest(db, change, NOW)
    ingest(db, construction_change(HOTSPOT, local(2026, 2, 17, 9, 41)), NOW)
    ingest(db, patrol_check(HOUSEHOLD, DAY, Verdict.CHANGED, change_id=incident_id(change)), NOW)
    by_category = {t.category: t for t in list_tickets(db)}
    assert sorted(by_category) == ["0101", "9004"]  # a plain hot spot is illegal construction
    breach = by_category["9004"]
    assert breach.case_number == "西塘违建〔2026〕12号"
    assert by_category["0101"].case_number is None
    assert breach.title.startswith("stop-work order breached")
    center = load_center(db)
    assert ticket_document(db, get_ticket(db, breach.id), center, NOW)["case_number"] == (
        "西塘违建〔2026〕12号"
    )
    [cell] = day_patrol(db, center, DAY, cells={HOUSEHOLD.cell})
    [place] = cell.places
    assert (place.verdict, place.ticket_id, place.case_number) == (
        "changed",
        breach.id,
        "西塘违建〔2026〕12号",
    )


def test_a_place_known_from_its_incidents_is_pending_until_its_check(db) -> None:
    ingest(db, construction_change(HOUSEHOLD, local(2026, 2, 16, 15, 0)), NOW)
    center = load_center(db)
    [cell] = day_patrol(db, center, DAY)
    assert [(p.place, p.verdict, p.window) for p in cell.places] == [
        ("xitang/build-02/house-7", "pending", "09:00-17:00")  # the policy's default window
    ]
    ingest(db, patrol_check(HOUSEHOLD, DAY, Verdict.UNCHANGED), NOW)
    days = place_period(db, center, ("xitang", "build-02", "house-7"), date(2026, 2, 16), DAY)
    assert [(d.day.day, d.verdict) for d in days] == [(16, "pending"), (17, "unchanged")]
    assert place_period(db, center, ("xitang", "build-02", "other"), DAY, DAY) == []


def test_a_replayed_check_is_filed_marked_and_makes_no_place_expected(db) -> None:
    recorded = date(2017, 6, 3)
    ingest(db, patrol_check(HOTSPOT, recorded, Verdict.CAMERA_DOWN, replay=True), NOW)
    center = load_center(db)
    [cell] = day_patrol(db, center, recorded)
    assert [(p.verdict, p.replay, p.flagged) for p in cell.places] == [("camera_down", True, True)]
    assert _count(db, "SELECT COUNT(*) FROM patrol_places") == 0
    assert flag_missing(db, local(2017, 6, 9, 12, 0), center) == 0
    assert day_patrol(db, center, DAY) == []
