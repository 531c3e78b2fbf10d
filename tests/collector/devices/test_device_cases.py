"""Box and camera health as cases: status messages through the ingest, the scheduler's device job
on a given clock, tickets of the device-fault category routed to the camera maintenance unit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from collector.scheduler import Scheduler, SchedulerConfig
from collector.store import open_store
from collector.tickets import Action, ActionArgs, apply_action, get_ticket, ticket_history
from collector.tickets.checks import ticket_problems
from collector.tickets.intake import file_incident
from collector.tickets.routing import route
from edge_agent.contract.topics import status_topic
from tests.collector.builders import CHIEF, INSPECTOR, UNIT, center_db, example_center, incident

CENTER = example_center()[0]
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in the center
SITE, BOX = "xitang", "box-01"


def status(state: str, cameras: dict[str, str] | None = None) -> bytes:
    body: dict = {"schema_version": "1.0", "site": SITE, "box": BOX, "state": state}
    if state != "offline":  # the last will carries neither time nor cameras
        body["at"] = T0.isoformat()
        body["cameras"] = {c: {"state": s} for c, s in (cameras or {}).items()}
    return json.dumps(body).encode()


class Center:
    """A store with the example center; messages arrive and the scheduler runs at given times."""

    def __init__(self, path: Path):
        center_db(str(path)).close()
        self.path = path
        self.db = open_store(path)

    def receive(self, raw: bytes, at: datetime) -> None:
        received = at.isoformat(timespec="milliseconds")
        result = store_batch(self.db, [(status_topic(SITE, BOX), raw)], Limits(), received)
        assert result.dead == 0, result.dead_reasons

    def run(self, at: datetime) -> dict[str, int]:
        return Scheduler(str(self.path), SchedulerConfig(), clock=lambda: at).run_once()

    def faults(self) -> list[tuple]:
        return self.db.execute(
            "SELECT device, kind, ticket_id, outcome, recovered_at IS NOT NULL FROM device_faults"
            " ORDER BY id"
        ).fetchall()

    def device_tickets(self) -> list:
        rows = self.db.execute("SELECT id FROM tickets WHERE source = 'device' ORDER BY id")
        return [get_ticket(self.db, r[0]) for r in rows.fetchall()]


@pytest.fixture()
def center(tmp_path: Path) -> Center:
    return Center(tmp_path / "c.sqlite")


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_a_last_will_opens_a_dispatched_device_ticket_once(center: Center) -> None:
    center.receive(status("online", {"bridge-01": "running"}), minutes(0))
    center.receive(status("offline"), minutes(1))
    assert center.run(minutes(2))["device_health"] == 0  # 1 min: a quick restart is no case
    assert center.run(minutes(3.5))["device_health"] == 1  # the will held box_offline_after_min
    assert center.run(minutes(4))["device_health"] == 0  # the same episode is filed once
    (t,) = center.device_tickets()
    assert (t.category, t.state.value, t.units) == ("9003", "dispatched", ("camera-maintenance",))
    assert t.title == "edge box xitang/box-01 offline (last will)"
    assert t.grid_cell == "330421101001001"  # the box's first registered camera
    assert ticket_problems(t, ticket_history(center.db, t.id), CENTER) == []
    # the box comes back: the ticket says so, but stays open for a person to close
    center.receive(status("online", {"bridge-01": "running"}), minutes(10))
    center.run(minutes(11))
    t = get_ticket(center.db, t.id)
    assert t.state.value == "dispatched" and t.cleared_at is not None
    assert ticket_history(center.db, t.id)[-1].action == "device_recovered"
    # a second will while the ticket is open joins it
    center.receive(status("offline"), minutes(20))
    center.run(minutes(30))
    assert [f[1:4] for f in center.faults()] == [
        ("box_offline", t.id, "opened"),
        ("box_offline", t.id, "joined"),
    ]
    assert get_ticket(center.db, t.id).cleared_at is None


def test_closed_after_repair_then_a_new_fault_is_a_new_ticket(center: Center) -> None:
    center.receive(status("offline"), minutes(0))
    center.run(minutes(5))
    (t,) = center.device_tickets()
    at = minutes(60)
    apply_action(
        center.db, t.id, Action.ACCEPT, ActionArgs(at=at, unit="camera-maintenance", **UNIT), CENTER
    )
    apply_action(
        center.db,
        t.id,
        Action.REPORT,
        ActionArgs(at=at, note="power supply replaced", photo="p.jpg", **UNIT),
        CENTER,
    )
    apply_action(center.db, t.id, Action.VERIFY_PASS, ActionArgs(at=at, **INSPECTOR), CENTER)
    apply_action(center.db, t.id, Action.CLOSE, ActionArgs(at=at, **CHIEF), CENTER)
    center.receive(status("online"), minutes(61))
    center.receive(status("offline"), minutes(120))
    center.run(minutes(125))
    assert [x.state.value for x in center.device_tickets()] == ["closed", "dispatched"]


def test_a_camera_offline_beyond_the_configured_time(center: Center) -> None:
    cams = {"bridge-01": "running", "alley-01": "running"}
    center.receive(status("online", cams), minutes(0))
    center.run(minutes(0.5))
    center.receive(status("online", cams | {"alley-01": "reconnecting"}), minutes(1))
    center.run(minutes(1.5))  # the scheduler's round sees it down
    center.receive(status("online", cams | {"alley-01": "offline"}), minutes(3))  # still down
    center.receive(status("online", cams | {"alley-01": "offline"}), minutes(8))
    assert center.run(minutes(10.5))["device_health"] == 0  # down 9.5 min, 10 allowed
    assert center.run(minutes(11.5))["device_health"] == 1
    (t,) = center.device_tickets()
    assert (t.camera, t.grid_cell) == ("alley-01", "330421101001001")
    assert t.title == "camera xitang/box-01/alley-01 offline"
    center.receive(status("online", cams), minutes(20))
    center.run(minutes(21))
    assert center.faults() == [("xitang/box-01/alley-01", "camera_offline", t.id, "opened", 1)]


def test_a_box_that_never_comes_back_or_falls_silent_is_noticed(center: Center) -> None:
    center.receive(status("stopped"), minutes(0))
    assert center.run(minutes(14))["device_health"] == 0
    assert center.run(minutes(16))["device_health"] == 1  # stopped and not back in 15 min
    center.receive(status("online"), minutes(30))
    center.run(minutes(31))
    # online, then nothing at all (the broker lost the will with its memory)
    assert center.run(minutes(44))["device_health"] == 0
    assert center.run(minutes(46))["device_health"] == 1
    assert [f[1] for f in center.faults()] == ["box_stopped", "box_silent"]
    assert len(center.device_tickets()) == 1  # the second episode joined the open ticket


def test_tamper_is_a_device_fault_routed_to_camera_maintenance(center: Center) -> None:
    covered = incident(T0, kind="tamper", level="warning", camera="alley-01", zone="lane-north")
    change = file_incident(center.db, covered)
    t = get_ticket(center.db, change.ticket_id)
    assert t.category == "9003"
    assert route(CENTER, t.grid_cell, t.category).units == ("camera-maintenance",)
    # the same camera then goes offline: its fault joins the tamper ticket
    cams = {"alley-01": "offline"}
    center.receive(status("online", cams), minutes(0))
    center.run(minutes(11))
    assert center.faults() == [("xitang/box-01/alley-01", "camera_offline", t.id, "joined", 0)]
