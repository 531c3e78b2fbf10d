"""File incident events as tickets: open a ticket, or join the open one for the same zone.

:func:`file_incident` is called by the ingest once per validated incident payload (schema
``incident-1``). It is idempotent on ``event_id``: a replayed event changes nothing.

Rules (time = the event's ``observed_at``, never the wall clock):

- the incident's kind gives the category (``incident_kinds`` in ``categories.yaml``); the camera
  registry gives the cell (the payload's ``grid_cell`` when the zone is not registered);
- the event joins the ticket that already holds its incident id while that ticket is open; otherwise
  the open ticket of the same site/camera/zone and category last observed within the category's
  correlation window; otherwise it opens a new ticket (state ``received``);
- a higher level raises the ticket's priority (an audit row ``raise_priority``) and, from the
  category's ``urgent_from_level``, makes it urgent;
- a critical event of a category with ``critical_units`` registers and dispatches the ticket at
  once in supervise mode to all of them (or re-dispatches a running ticket to them);
- a ``cleared`` event is recorded (``cleared_at``) but closes nothing: a person does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from collector.config.models import LEVELS, Category, CenterConfig, Mode, Role
from collector.errors import ConfigError, IntakeError
from collector.grid.store import load_center
from collector.store import write_transaction
from collector.tickets.model import Ticket, from_db_time, to_db_time
from collector.tickets.repo import NewTicket, get_ticket, receive, write_audit
from collector.tickets.service import apply_action
from collector.tickets.workflow import FINAL, Action, ActionArgs, State

__all__ = ["TicketChange", "file_incident", "SYSTEM_ACTOR"]

SYSTEM_ACTOR = "platform"


@dataclass(frozen=True)
class TicketChange:
    """What filing one event did. ``outcome``: opened, joined or replayed."""

    ticket_id: int
    event_id: str
    outcome: str
    state: str
    priority: int
    priority_raised: bool = False
    dispatched: tuple[str, ...] = ()


def _rank(level: str) -> int:
    return LEVELS.index(level) + 1


def _cell_of(center: CenterConfig, payload: dict[str, Any]) -> str:
    for cam in center.cameras:
        if cam.id == payload["camera"] and cam.site == payload["site"]:
            for zone in cam.zones:
                if zone.id == payload["zone"]:
                    return zone.cell
    return str(payload["grid_cell"])


def _find_open(
    db: sqlite_utils.Database, payload: dict[str, Any], cat: Category, at: datetime
) -> int | None:
    finals = [s.value for s in FINAL]
    marks = ", ".join("?" for _ in finals)
    same_incident = list(
        db.query(
            f"SELECT t.id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            f"WHERE e.incident_id = ? AND t.state NOT IN ({marks}) ORDER BY t.id DESC LIMIT 1",
            [payload["id"], *finals],
        )
    )
    if same_incident:
        return int(same_incident[0]["id"])
    window = timedelta(minutes=cat.correlation_window_min)
    rows = db.query(
        f"SELECT id, last_observed_at FROM tickets WHERE site = ? AND camera = ? AND zone = ? "
        f"AND category = ? AND state NOT IN ({marks}) ORDER BY id DESC",
        [payload["site"], payload["camera"], payload["zone"], cat.code, *finals],
    )
    for row in rows:
        last = from_db_time(row["last_observed_at"])
        if last is not None and abs(at - last) <= window:
            return int(row["id"])
    return None


def _open(db: sqlite_utils.Database, payload: dict[str, Any], cat: Category, cell: str) -> Ticket:
    at = datetime.fromisoformat(payload["observed_at"])
    level = payload["level"]
    new = NewTicket(
        category=cat.code,
        grid_cell=cell,
        title=f"{cat.name}: {payload['camera']}/{payload['zone']}",
        at=at,
        source="incident",
        priority=_rank(level),
        urgent=_rank(level) >= _rank(cat.urgent_from_level),
        level=level,
        site=payload["site"],
        box=payload["box"],
        camera=payload["camera"],
        zone=payload["zone"],
    )
    return receive(db, new, SYSTEM_ACTOR, Role.SYSTEM)


def _record(
    db: sqlite_utils.Database, ticket: Ticket, payload: dict[str, Any], now: datetime
) -> None:
    db.table("ticket_events").insert(
        {
            "event_id": payload["event_id"],
            "ticket_id": ticket.id,
            "incident_id": payload["id"],
            "seq": payload["seq"],
            "kind": payload["kind"],
            "level": payload["level"],
            "state": payload["state"],
            "observed_at": to_db_time(datetime.fromisoformat(payload["observed_at"])),
            "metrics": json.dumps(payload.get("metrics", {}), sort_keys=True),
            "evidence": json.dumps(payload.get("evidence", [])),
            "filed_at": to_db_time(now),
        }
    )


def _update_ticket(
    db: sqlite_utils.Database, ticket: Ticket, payload: dict[str, Any], cat: Category
) -> bool:
    """Observation times, cleared flag, level, priority, urgency; True when priority rose."""
    at = datetime.fromisoformat(payload["observed_at"])
    first = min(x for x in (ticket.first_observed_at, at) if x is not None)
    last = max(x for x in (ticket.last_observed_at, at) if x is not None)
    values: dict[str, Any] = {
        "first_observed_at": to_db_time(first),
        "last_observed_at": to_db_time(last),
    }
    if at >= (ticket.last_observed_at or at):
        cleared = payload["state"] == "cleared"
        values["cleared_at"] = to_db_time(at) if cleared else None
    rank = _rank(payload["level"])
    raised = rank > ticket.priority
    if raised:
        values.update(
            priority=rank, level=payload["level"], updated_at=to_db_time(max(at, ticket.updated_at))
        )
    if rank >= _rank(cat.urgent_from_level):
        values["urgent"] = 1
    db.table("tickets").update(ticket.id, values)
    if raised:
        write_audit(
            db,
            ticket.id,
            ("raise_priority", ticket.state.value, ticket.state.value),
            (SYSTEM_ACTOR, Role.SYSTEM.value),
            max(at, ticket.updated_at),
            f"level {payload['level']} from incident {payload['id']}",
            {"priority": rank, "was": ticket.priority},
        )
    return raised


def _critical_dispatch(
    db: sqlite_utils.Database, ticket: Ticket, cat: Category, center: CenterConfig, at: datetime
) -> tuple[str, ...]:
    """Register and dispatch (or re-dispatch) to every critical unit in supervise mode."""
    wanted = tuple(dict.fromkeys([*ticket.units, *cat.critical_units]))
    if ticket.mode == Mode.SUPERVISE.value and set(cat.critical_units) <= set(ticket.units):
        return ()
    at = max(at, ticket.updated_at)
    note = "critical incident: dispatched to all crowd units at once"

    def args(**kw: Any) -> ActionArgs:
        return ActionArgs(actor=SYSTEM_ACTOR, role=Role.SYSTEM, at=at, note=note, **kw)

    state = ticket.state
    if state is State.RECEIVED:
        state = apply_action(db, ticket.id, Action.REGISTER, args(), center).state
    if state in (State.REGISTERED, State.RETURNED):
        action = Action.DISPATCH
    elif state in (State.DISPATCHED, State.ACCEPTED):
        action = Action.REDISPATCH
    else:
        return ()
    apply_action(db, ticket.id, action, args(mode=Mode.SUPERVISE, units=wanted), center)
    return wanted


def file_incident(
    db: sqlite_utils.Database, payload: dict[str, Any], now: datetime | None = None
) -> TicketChange:
    """File one validated incident payload; returns what happened to which ticket.

    ``now`` is the wall-clock filing time, only recorded (``filed_at``); every rule uses the
    event's ``observed_at``. Runs in one transaction (a savepoint inside the caller's).
    """
    now = now or datetime.now(UTC)
    replay = list(
        db.query("SELECT ticket_id FROM ticket_events WHERE event_id = ?", [payload["event_id"]])
    )
    if replay:
        t = get_ticket(db, replay[0]["ticket_id"])
        return TicketChange(t.id, payload["event_id"], "replayed", t.state.value, t.priority)
    try:
        center = load_center(db)
    except ConfigError as err:
        raise IntakeError(str(err)) from None
    cat = center.category_for_kind(payload["kind"])
    if cat is None:
        raise IntakeError(f"no category files incidents of kind {payload['kind']!r}")
    at = datetime.fromisoformat(payload["observed_at"])
    with write_transaction(db):
        found = _find_open(db, payload, cat, at)
        ticket = (
            get_ticket(db, found) if found else _open(db, payload, cat, _cell_of(center, payload))
        )
        _record(db, ticket, payload, now)
        raised = _update_ticket(db, ticket, payload, cat)
        dispatched: tuple[str, ...] = ()
        if payload["level"] == "critical" and cat.critical_units and payload["state"] != "cleared":
            dispatched = _critical_dispatch(db, get_ticket(db, ticket.id), cat, center, at)
        t = get_ticket(db, ticket.id)
    outcome = "joined" if found else "opened"
    return TicketChange(
        t.id, payload["event_id"], outcome, t.state.value, t.priority, raised, dispatched
    )
