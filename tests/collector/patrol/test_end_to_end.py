"""The daily patrol from a real box publisher (signed, outbox, QoS 1) through a real Mosquitto
into the real ingest service: two days of a stop-work household, one changed (a 9004 ticket
holding the case number), one with the camera down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from collector.grid.store import load_center
from collector.patrol import place_period
from collector.store import open_store
from collector.tickets import list_tickets
from edge_agent.contract.patrol import Verdict
from tests.collector.builders import local
from tests.collector.live import live_box, live_center
from tests.collector.patrol.places import HOUSEHOLD, change_sent, patrol_sent
from tests.collector.transport.helpers import wait_until

pytestmark = pytest.mark.integration

KEY = bytes(range(11, 43))
DAY = date(2026, 2, 17)


@pytest.fixture
def center(tmp_path: Path, mosquitto):
    with live_center(tmp_path, mosquitto.url, KEY, "collector-patrol") as svc:
        yield svc


@pytest.fixture
def box(tmp_path: Path, mosquitto):
    evidence = tmp_path / "evidence"
    with live_box(tmp_path, mosquitto.url, KEY, "build-02", evidence) as pub:
        yield pub, evidence


def test_a_households_patrol_through_mosquitto(center, box) -> None:
    publisher, evidence = box
    evidence.mkdir()
    change = change_sent(HOUSEHOLD, local(2026, 2, 17, 9, 30))
    events = [
        change,
        patrol_sent(HOUSEHOLD, DAY, Verdict.CHANGED, change_id=change.incident.id),
        patrol_sent(HOUSEHOLD, date(2026, 2, 18), Verdict.CAMERA_DOWN),
    ]
    for e in events:
        for name, data in e.files.items():
            (evidence / name).write_bytes(data)
        publisher.emit(e.incident)
    wait_until(lambda: center.stats.filed >= len(events), 60, "every event filed")
    wait_until(lambda: publisher.wait_drained(0.1), 30, "every image received")

    db = open_store(center.cfg.db)
    [ticket] = list_tickets(db)
    assert (ticket.category, ticket.case_number) == ("9004", "西塘违建〔2026〕12号")
    days = place_period(
        db, load_center(db), ("xitang", "build-02", "house-7"), DAY, date(2026, 2, 18)
    )
    assert [(d.verdict, d.ticket_id, d.flagged) for d in days] == [
        ("changed", ticket.id, False),
        ("camera_down", None, True),
    ]
    frames = {name for (name,) in db.execute("SELECT name FROM evidence_files")}
    assert frames == {
        days[0].frame("after"),
        days[0].frame("before"),
        change.incident.evidence[0].name,
    }
    db.close()
