"""Incidents from an edge box, through a real Mosquitto, end as the right tickets in the right cells.

The edge side is the real publisher (signed, outbox, QoS 1); the center is the real ingest service
with the Xitang example grid imported; tickets are read back through the tickets library.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collector.store import open_store
from collector.tickets import list_tickets, ticket_dispatches, ticket_timeline
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id
from tests.collector.live import live_box, live_center
from tests.collector.transport.helpers import wait_until

pytestmark = pytest.mark.integration

KEY = bytes(range(7, 39))
T0 = datetime(2015, 5, 1, 9, 0, tzinfo=UTC)


def event(camera, zone, cell, kind, level, state, minute, incident_id, seq, **metrics):
    return Incident(
        id=incident_id,
        seq=seq,
        site="xitang",
        box="box-01",
        camera=camera,
        zone=zone,
        grid_cell=cell,
        kind=kind,
        level=level,
        state=state,
        started_at=T0,
        observed_at=T0 + timedelta(minutes=minute),
        metrics=metrics or {"count": 30},
    )


@pytest.fixture
def center(tmp_path, mosquitto):
    with live_center(tmp_path, mosquitto.url, KEY, "collector-e2e") as svc:
        yield svc


@pytest.fixture
def box(tmp_path, mosquitto):
    with live_box(tmp_path, mosquitto.url, KEY, "alley-01") as pub:
        yield pub


def test_incidents_become_the_right_tickets_in_the_right_cells(center, box):
    lane, bridge, build = new_id(), new_id(), new_id()
    lane_cell, bridge_cell, build_cell = "330421101001001", "330421101001002", "330421101002005"
    events = [
        # a crowd on the lane that stays high for an hour: one ticket, not 60
        *[
            event(
                "alley-01",
                "lane-north",
                lane_cell,
                IncidentKind.CROWD_DENSITY,
                Level.WARNING,
                EventState.OPENED if m == 0 else EventState.UPDATED,
                m,
                lane,
                m,
                count=40,
            )
            for m in range(0, 60)
        ],
        event(
            "alley-01",
            "lane-north",
            lane_cell,
            IncidentKind.CROWD_DENSITY,
            Level.WARNING,
            EventState.CLEARED,
            61,
            lane,
            60,
            count=5,
        ),
        # the holiday surge on the bridge goes critical: several units at once
        event(
            "bridge-01",
            "bridge-deck",
            bridge_cell,
            IncidentKind.CROWD_DENSITY,
            Level.CRITICAL,
            EventState.OPENED,
            5,
            bridge,
            0,
            count=200,
            density=4.2,
        ),
        # a new shed in the courtyard
        event(
            "build-01",
            "courtyard",
            build_cell,
            IncidentKind.CONSTRUCTION_CHANGE,
            Level.WARNING,
            EventState.OPENED,
            30,
            build,
            0,
            area_m2=6.5,
            bbox=[100, 120, 220, 260],
        ),
    ]
    for e in events:
        box.emit(e)
    wait_until(lambda: center.stats.filed >= len(events), 60, "every event filed")

    db = open_store(center.cfg.db)
    tickets = {t.grid_cell: t for t in list_tickets(db)}
    assert sorted(tickets) == [lane_cell, bridge_cell, build_cell]

    lane_ticket = tickets[lane_cell]
    assert (lane_ticket.category, lane_ticket.zone) == ("9001", "lane-north")
    assert lane_ticket.state.value != "closed", "a cleared incident does not close the ticket"
    assert len(ticket_timeline(db, lane_ticket.id)) == len(events) - 2

    bridge_ticket = tickets[bridge_cell]
    assert bridge_ticket.supervised and bridge_ticket.mode == "supervise"
    units = {d["unit"] for d in ticket_dispatches(db, bridge_ticket.id)}
    assert units == {"tourism-office", "police-xitang", "xitang-squad", "traffic-police"}

    build_ticket = tickets[build_cell]
    assert build_ticket.category == "0101" and build_ticket.camera == "build-01"
