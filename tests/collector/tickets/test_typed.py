"""Tickets typed end to end: a stored incident is parsed once into the contract's Incident (newer
minor versions leniently), levels and modes are enums, and the flowing values check themselves."""

from __future__ import annotations

from dataclasses import replace

import pytest

from collector.config.models import Mode, Role
from collector.errors import IntakeError, TicketError
from collector.tickets import (
    NewTicket,
    file_incident,
    get_ticket,
    ticket_history,
    ticket_timeline,
)
from collector.tickets.desk import Actor, CaseReport, act, receive_case
from collector.tickets.intake import parse_incident
from collector.tickets.workflow import Action, ActionArgs, State
from edge_agent.contract.incident import Level
from tests.collector.builders import center_db, incident, local

T0 = local(2015, 5, 1, 9, 0)


def test_a_newer_minor_version_is_filed_with_what_this_version_knows() -> None:
    db = center_db()
    payload = incident(T0, level="critical")
    evidence = {"role": "annotated", "name": "a.jpg", "sha256": "0" * 64, "bytes": 10}
    payload |= {"schema_version": "1.3", "weather": "rain", "evidence": [evidence | {"w": 1}]}
    change = file_incident(db, payload)
    t = get_ticket(db, change.ticket_id)
    assert (t.level, t.priority, t.mode) == (Level.CRITICAL, Level.CRITICAL.rank, Mode.SUPERVISE)
    [event] = ticket_timeline(db, t.id)
    assert event.evidence == [evidence | {"content_type": "image/jpeg"}]


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        ({"level": "normal"}, "level 'normal'"),
        ({"observed_at": "yesterday"}, "Invalid isoformat string: 'yesterday'"),
        ({"seq": -1}, "seq must be >= 0"),
    ],
)
def test_a_stored_payload_that_is_no_incident_is_an_intake_error(broken: dict, says: str) -> None:
    payload = incident(T0) | broken
    with pytest.raises(IntakeError, match=payload["event_id"]) as err:
        parse_incident(payload)
    assert says in str(err.value)


def test_a_payload_without_a_field_names_the_event() -> None:
    payload = incident(T0)
    del payload["zone"]
    with pytest.raises(IntakeError, match=f"{payload['event_id']}.*zone"):
        file_incident(center_db(), payload)


def test_tickets_refuse_values_that_make_no_ticket() -> None:
    db = center_db()
    t = get_ticket(db, file_incident(db, incident(T0)).ticket_id)
    assert isinstance(t.level, Level) and t.mode is None
    for bad, says in (
        ({"level": "warning"}, "must be a Level"),
        ({"mode": "assign"}, "must be a Mode"),
        ({"priority": 0}, "priority must be >= 1"),
        ({"returns": -1}, "returns = -1"),
        ({"due_at": T0.replace(tzinfo=None)}, "due_at"),
    ):
        with pytest.raises(ValueError, match=says):
            replace(t, **bad)
    with pytest.raises(ValueError, match="zone"):
        NewTicket("0101", "330421101002005", "shed", T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="Role"):
        ActionArgs(actor="x", role="duty_chief", at=T0)  # type: ignore[arg-type]


def test_the_desk_routes_a_dispatch_and_checks_a_manual_case() -> None:
    db = center_db()
    chief = Actor("wang.duty", None, T0)
    with pytest.raises(TicketError, match="unknown category '9999'"):
        receive_case(db, chief, CaseReport("9999", "330421101002005", "shed"))
    t = receive_case(db, chief, CaseReport("0101", "330421101002005", "shed"))
    assert t.state is State.RECEIVED
    act(db, t.id, Action.REGISTER, chief)
    t = act(db, t.id, Action.DISPATCH, chief)
    assert (t.state, t.mode, t.units) == (State.DISPATCHED, Mode.ASSIGN, ("xitang-squad",))
    history = [(r.action, r.role) for r in ticket_history(db, t.id)]
    assert history[-1] == ("dispatch", Role.DUTY_CHIEF.value)
