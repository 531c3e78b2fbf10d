"""Incidents to tickets: correlation windows, one ticket per surge, priority, critical dispatch,
cleared events, idempotent replays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collector.errors import IntakeError
from collector.store import open_store
from collector.tickets import (
    Action,
    ActionArgs,
    Mode,
    State,
    apply_action,
    file_incident,
    get_ticket,
    list_tickets,
    ticket_history,
    ticket_timeline,
)
from collector.tickets.checks import ticket_problems
from edge_agent.contract.incident import new_id
from tests.collector.builders import (
    CHIEF,
    INSPECTOR,
    UNIT,
    center_db,
    example_center,
    incident,
    local,
)

T0 = local(2015, 5, 1, 9, 0)
CROWD_UNITS = ("tourism-office", "police-xitang", "xitang-squad", "traffic-police")


@pytest.fixture()
def db():
    return center_db()


def test_a_crowd_that_stays_high_for_an_hour_is_one_ticket(db) -> None:
    iid = new_id()
    changes = [
        file_incident(
            db,
            incident(
                T0 + timedelta(seconds=30 * i),
                incident_id=iid,
                seq=i,
                level="advisory",
                state="opened" if i == 0 else "updated",
            ),
        )
        for i in range(120)
    ]
    assert [c.outcome for c in changes] == ["opened"] + ["joined"] * 119
    tickets = list_tickets(db)
    assert len(tickets) == 1
    t = tickets[0]
    assert len(ticket_timeline(db, t.id)) == 120
    assert (t.first_observed_at, t.last_observed_at) == (T0, T0 + timedelta(seconds=30 * 119))
    assert (t.category, t.grid_cell, t.state) == ("9001", "330421101001002", State.RECEIVED)


@pytest.mark.parametrize(
    ("second", "joins"),
    [
        ({"minutes": 59}, True),  # new incident, same zone, inside the 60 min window
        ({"minutes": 60}, True),
        ({"minutes": 61}, False),
        ({"minutes": 30, "zone": "lane-north", "camera": "alley-01"}, False),  # another zone
        ({"minutes": 5, "kind": "crowd_forecast"}, False),  # another category
        ({"minutes": -30}, True),  # late arrival, observed earlier: still within the window
    ],
)
def test_correlation_window(db, second: dict, joins: bool) -> None:
    first = file_incident(db, incident(T0, level="advisory"))
    minutes = second.pop("minutes")
    other = file_incident(db, incident(T0 + timedelta(minutes=minutes), level="advisory", **second))
    assert (other.ticket_id == first.ticket_id) is joins
    assert other.outcome == ("joined" if joins else "opened")


def test_construction_window_is_a_day(db) -> None:
    kw = {
        "kind": "construction_change",
        "camera": "build-01",
        "zone": "courtyard",
        "cell": "330421101002005",
        "level": "advisory",
    }
    a = file_incident(db, incident(T0, **kw))
    b = file_incident(db, incident(T0 + timedelta(hours=23), **kw))
    c = file_incident(db, incident(T0 + timedelta(hours=23 + 25), **kw))
    assert a.ticket_id == b.ticket_id != c.ticket_id
    assert get_ticket(db, a.ticket_id).category == "0101"


def test_the_clock_is_observed_at_not_the_wall_clock(db) -> None:
    wall = datetime(2030, 1, 1, tzinfo=UTC)
    a = file_incident(db, incident(T0, level="advisory"), now=wall)
    b = file_incident(
        db, incident(T0 + timedelta(minutes=10), level="advisory"), now=wall + timedelta(days=9)
    )
    assert a.ticket_id == b.ticket_id
    assert get_ticket(db, a.ticket_id).received_at == T0


def test_closed_ticket_is_not_joined(db) -> None:
    iid = new_id()
    a = file_incident(db, incident(T0, incident_id=iid, level="advisory"))
    center = example_center()[0]
    at = T0 + timedelta(minutes=1)
    for action, who, kw in [
        (Action.REGISTER, CHIEF, {}),
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ("tourism-office",)}),
        (Action.ACCEPT, UNIT, {}),
        (Action.REPORT, UNIT, {"note": "crowd steered"}),
        (Action.VERIFY_PASS, INSPECTOR, {}),
        (Action.CLOSE, CHIEF, {}),
    ]:
        apply_action(db, a.ticket_id, action, ActionArgs(at=at, **who, **kw), center)
    b = file_incident(
        db,
        incident(
            T0 + timedelta(minutes=2), incident_id=iid, seq=1, level="advisory", state="updated"
        ),
    )
    assert b.outcome == "opened" and b.ticket_id != a.ticket_id


def test_rising_level_raises_priority_and_never_lowers_it(db) -> None:
    iid = new_id()
    levels = ["info", "advisory", "advisory", "info", "warning"]
    changes = [
        file_incident(db, incident(T0 + timedelta(minutes=i), incident_id=iid, seq=i, level=lvl))
        for i, lvl in enumerate(levels)
    ]
    assert [c.priority for c in changes] == [1, 2, 2, 2, 3]
    assert [c.priority_raised for c in changes] == [False, True, False, False, True]
    t = get_ticket(db, changes[0].ticket_id)
    assert t.urgent  # crowd tickets are urgent from warning
    raises = [r for r in ticket_history(db, t.id) if r.action == "raise_priority"]
    assert [r.data for r in raises] == [{"priority": 2, "was": 1}, {"priority": 3, "was": 2}]
    assert ticket_problems(t, ticket_history(db, t.id), example_center()[0]) == []


@pytest.mark.parametrize("kind", ["crowd_density", "crowd_forecast"])
def test_critical_crowd_is_dispatched_to_all_units_at_once(db, kind: str) -> None:
    iid = new_id()
    file_incident(db, incident(T0, incident_id=iid, level="warning", kind=kind))
    change = file_incident(
        db,
        incident(
            T0 + timedelta(minutes=3),
            incident_id=iid,
            seq=1,
            level="critical",
            state="updated",
            kind=kind,
        ),
    )
    t = get_ticket(db, change.ticket_id)
    assert (t.state, t.mode, t.supervised, t.units) == (
        State.DISPATCHED,
        "supervise",
        True,
        CROWD_UNITS,
    )
    assert change.dispatched == CROWD_UNITS
    assert [r.action for r in ticket_history(db, t.id)] == [
        "receive",
        "raise_priority",
        "register",
        "dispatch",
    ]
    # urgent limit on the continuous clock: 0.5 h (density) or 1 h (forecast) after dispatch
    limit = {"crowd_density": 30, "crowd_forecast": 60}[kind]
    assert t.due_at == T0 + timedelta(minutes=3 + limit)
    again = file_incident(
        db,
        incident(
            T0 + timedelta(minutes=4),
            incident_id=iid,
            seq=2,
            level="critical",
            state="updated",
            kind=kind,
        ),
    )
    assert again.dispatched == () and len(ticket_history(db, t.id)) == 4


def test_critical_on_an_assigned_ticket_redispatches_in_supervise_mode(db) -> None:
    a = file_incident(db, incident(T0, level="warning"))
    center = example_center()[0]
    for action, who, kw in [
        (Action.REGISTER, CHIEF, {}),
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ("tourism-office",)}),
        (Action.ACCEPT, UNIT, {}),
    ]:
        apply_action(
            db, a.ticket_id, action, ActionArgs(at=T0 + timedelta(minutes=1), **who, **kw), center
        )
    due = get_ticket(db, a.ticket_id).due_at
    file_incident(db, incident(T0 + timedelta(minutes=5), level="critical"))
    t = get_ticket(db, a.ticket_id)
    assert (t.state, t.mode, set(t.units), t.due_at) == (
        State.DISPATCHED,
        "supervise",
        set(CROWD_UNITS),
        due,
    )


def test_critical_construction_is_not_auto_dispatched(db) -> None:
    kw = {
        "kind": "construction_change",
        "camera": "build-01",
        "zone": "courtyard",
        "cell": "330421101002005",
    }
    c = file_incident(db, incident(T0, level="critical", **kw))
    t = get_ticket(db, c.ticket_id)
    assert (t.state, t.urgent, t.priority) == (State.RECEIVED, True, 4)


def test_cleared_is_recorded_but_does_not_close(db) -> None:
    iid = new_id()
    a = file_incident(db, incident(T0, incident_id=iid))
    file_incident(db, incident(T0 + timedelta(minutes=20), incident_id=iid, seq=1, state="cleared"))
    t = get_ticket(db, a.ticket_id)
    assert (t.state, t.cleared_at) == (State.RECEIVED, T0 + timedelta(minutes=20))
    assert [e.state for e in ticket_timeline(db, t.id)] == ["opened", "cleared"]
    file_incident(db, incident(T0 + timedelta(minutes=40), level="warning"))  # surge is back
    assert get_ticket(db, a.ticket_id).cleared_at is None


def test_replayed_event_changes_nothing(db) -> None:
    payload = incident(T0, level="warning")
    first = file_incident(db, payload)
    snapshot = (
        get_ticket(db, first.ticket_id),
        ticket_history(db, first.ticket_id),
        ticket_timeline(db, first.ticket_id),
    )
    again = file_incident(db, payload)
    assert (again.outcome, again.ticket_id) == ("replayed", first.ticket_id)
    assert snapshot == (
        get_ticket(db, first.ticket_id),
        ticket_history(db, first.ticket_id),
        ticket_timeline(db, first.ticket_id),
    )
    critical = incident(T0 + timedelta(minutes=1), level="critical")
    file_incident(db, critical)
    n = len(ticket_history(db, first.ticket_id))
    assert file_incident(db, critical).outcome == "replayed"
    assert len(ticket_history(db, first.ticket_id)) == n


def test_cell_comes_from_the_camera_registry(db) -> None:
    registered = file_incident(db, incident(T0, cell="330421101003001"))
    assert get_ticket(db, registered.ticket_id).grid_cell == "330421101001002"
    unknown = file_incident(db, incident(T0, camera="gate-09", zone="gate", cell="330421101003001"))
    assert get_ticket(db, unknown.ticket_id).grid_cell == "330421101003001"


def test_rolled_back_with_the_callers_transaction(db) -> None:
    with pytest.raises(RuntimeError), db.atomic():
        file_incident(db, incident(T0))
        raise RuntimeError("ingest failed after filing")
    assert list_tickets(db) == []


def test_without_an_imported_grid_the_intake_says_so() -> None:
    with pytest.raises(IntakeError, match="collector grid import"):
        file_incident(open_store(":memory:"), incident(T0))


def test_first_event_critical_opens_a_supervised_ticket(db) -> None:
    change = file_incident(
        db,
        incident(
            T0, level="critical", camera="alley-01", zone="lane-north", cell="330421101001001"
        ),
    )
    t = get_ticket(db, change.ticket_id)
    assert (change.outcome, t.state, t.mode, t.units) == (
        "opened",
        State.DISPATCHED,
        "supervise",
        CROWD_UNITS,
    )
    assert (t.grid_cell, t.priority, t.urgent) == ("330421101001001", 4, True)
    assert ticket_problems(t, ticket_history(db, t.id), example_center()[0]) == []
