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
- a ``cleared`` event is recorded (``cleared_at``) but closes nothing: a person does;
- a ``construction_change`` of a zone that is a stop-work household (``watched_place``) opens a
  ticket of the center's stop-work category (``policy.patrol.stop_work_category``) holding the
  order's ``case_number``; a ``patrol_check`` is no ticket (:mod:`collector.patrol` files it);
- a replayed event (``replay``: published by ``edge-agent replay``) opens or joins only tickets of
  source ``replay``, at the recording's own times, and never dispatches anyone; statistics,
  reports and escalation leave those tickets out (docs/CONTRACT.md, "Replay into a live center").
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from collector.config.models import Category, CenterConfig, Mode, Role
from collector.errors import ConfigError, IntakeError
from collector.grid.store import load_center
from collector.store import write_transaction
from collector.tickets.model import Ticket, from_db_time, to_db_time
from collector.tickets.repo import NewTicket, get_ticket, receive, write_audit
from collector.tickets.service import apply_action
from collector.tickets.workflow import FINAL, Action, ActionArgs, State
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level
from edge_agent.contract.patrol import PlaceKind

__all__ = [
    "TicketChange",
    "file_incident",
    "parse_incident",
    "category_of",
    "cell_of",
    "SYSTEM_ACTOR",
]

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


def parse_incident(payload: dict[str, Any]) -> Incident:
    """The stored payload as the contract's typed value (the only place that reads its keys).

    The ingest validated it already (leniently for a newer minor version), so the schema is not
    run again; a payload that still does not make an incident raises :class:`IntakeError`.
    """
    try:
        return Incident.from_payload(payload, validate=False)
    except (KeyError, TypeError, ValueError) as err:
        event = payload.get("event_id") if isinstance(payload, dict) else None
        raise IntakeError(f"incident event {event}: not a valid incident: {err!r}") from None


def cell_of(center: CenterConfig, inc: Incident) -> str:
    for cam in center.cameras:
        if cam.id == inc.camera and cam.site == inc.site:
            for zone in cam.zones:
                if zone.id == inc.zone:
                    return zone.cell
    return inc.grid_cell


def _find_open(db: sqlite_utils.Database, inc: Incident, cat: Category) -> int | None:
    finals = [s.value for s in FINAL]
    marks = ", ".join("?" for _ in finals)
    same_incident = list(
        db.query(
            f"SELECT t.id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            f"WHERE e.incident_id = ? AND t.state NOT IN ({marks}) ORDER BY t.id DESC LIMIT 1",
            [inc.id, *finals],
        )
    )
    if same_incident:
        return int(same_incident[0]["id"])
    window = timedelta(minutes=cat.correlation_window_min)
    # a replay never joins a live ticket, nor a live event a replayed one
    apart = "source = 'replay'" if inc.replay else "source != 'replay'"
    rows = db.query(
        f"SELECT id, last_observed_at FROM tickets WHERE site = ? AND camera = ? AND zone = ? "
        f"AND category = ? AND state NOT IN ({marks}) AND {apart} ORDER BY id DESC",
        [inc.site, inc.camera, inc.zone, cat.code, *finals],
    )
    for row in rows:
        last = from_db_time(row["last_observed_at"])
        if last is not None and abs(inc.observed_at - last) <= window:
            return int(row["id"])
    return None


def _open(db: sqlite_utils.Database, inc: Incident, cat: Category, cell: str) -> Ticket:
    new = NewTicket(
        category=cat.code,
        grid_cell=cell,
        title=f"{cat.name}: {inc.camera}/{inc.zone}",
        at=inc.observed_at,
        source="replay" if inc.replay else "incident",
        priority=inc.level.rank,
        urgent=inc.level.rank >= cat.urgent_from_level.rank,
        level=inc.level,
        site=inc.site,
        box=inc.box,
        camera=inc.camera,
        zone=inc.zone,
        case_number=inc.watched_place.case_number if inc.watched_place else None,
    )
    return receive(db, new, SYSTEM_ACTOR, Role.SYSTEM)


def category_of(center: CenterConfig, inc: Incident) -> Category:
    """The category ``inc`` is filed under; raises :class:`IntakeError` when none is."""
    if inc.kind is IncidentKind.PATROL_CHECK:
        raise IntakeError(
            f"incident event {inc.event_id}: a patrol_check is a patrol record, not a ticket "
            "(filed by collector.patrol)"
        )
    place = inc.watched_place
    stop_work = center.policy.patrol.stop_work_category
    if (
        stop_work is not None
        and inc.kind is IncidentKind.CONSTRUCTION_CHANGE
        and place is not None
        and place.kind is PlaceKind.STOP_WORK_HOUSEHOLD
    ):
        return center.category(stop_work)
    cat = center.category_for_kind(inc.kind.value)
    if cat is None:
        raise IntakeError(f"no category files incidents of kind {inc.kind.value!r}")
    return cat


def _record(db: sqlite_utils.Database, ticket: Ticket, inc: Incident, now: datetime) -> None:
    db.table("ticket_events").insert(
        {
            "event_id": inc.event_id,
            "ticket_id": ticket.id,
            "incident_id": inc.id,
            "seq": inc.seq,
            "kind": inc.kind.value,
            "level": inc.level.value,
            "state": inc.state.value,
            "observed_at": to_db_time(inc.observed_at),
            "metrics": json.dumps(inc.metrics, sort_keys=True),
            "evidence": json.dumps([asdict(e) for e in inc.evidence]),
            "filed_at": to_db_time(now),
        }
    )


def _update_ticket(db: sqlite_utils.Database, ticket: Ticket, inc: Incident, cat: Category) -> bool:
    """Observation times, cleared flag, level, priority, urgency; True when priority rose."""
    at = inc.observed_at
    first = min(x for x in (ticket.first_observed_at, at) if x is not None)
    last = max(x for x in (ticket.last_observed_at, at) if x is not None)
    values: dict[str, Any] = {
        "first_observed_at": to_db_time(first),
        "last_observed_at": to_db_time(last),
    }
    if at >= (ticket.last_observed_at or at):
        cleared = inc.state is EventState.CLEARED
        values["cleared_at"] = to_db_time(at) if cleared else None
    rank = inc.level.rank
    raised = rank > ticket.priority
    if raised:
        values.update(
            priority=rank, level=inc.level.value, updated_at=to_db_time(max(at, ticket.updated_at))
        )
    if rank >= cat.urgent_from_level.rank:
        values["urgent"] = 1
    db.table("tickets").update(ticket.id, values)
    if raised:
        write_audit(
            db,
            ticket.id,
            ("raise_priority", ticket.state.value, ticket.state.value),
            (SYSTEM_ACTOR, Role.SYSTEM.value),
            max(at, ticket.updated_at),
            f"level {inc.level.value} from incident {inc.id}",
            {"priority": rank, "was": ticket.priority},
        )
    return raised


def _critical_dispatch(
    db: sqlite_utils.Database, ticket: Ticket, cat: Category, center: CenterConfig, at: datetime
) -> tuple[str, ...]:
    """Register and dispatch (or re-dispatch) to every critical unit in supervise mode."""
    wanted = tuple(dict.fromkeys([*ticket.units, *cat.critical_units]))
    if ticket.mode is Mode.SUPERVISE and set(cat.critical_units) <= set(ticket.units):
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


def _replayed(db: sqlite_utils.Database, event_id: str) -> TicketChange | None:
    rows = list(db.query("SELECT ticket_id FROM ticket_events WHERE event_id = ?", [event_id]))
    if not rows:
        return None
    t = get_ticket(db, rows[0]["ticket_id"])
    return TicketChange(t.id, event_id, "replayed", t.state.value, t.priority)


def file_incident(
    db: sqlite_utils.Database, payload: dict[str, Any], now: datetime | None = None
) -> TicketChange:
    """File one validated incident payload; returns what happened to which ticket.

    ``now`` is the wall-clock filing time, only recorded (``filed_at``); every rule uses the
    event's ``observed_at``. Runs in one transaction (a savepoint inside the caller's).
    """
    now = now or datetime.now(UTC)
    inc = parse_incident(payload)
    replay = _replayed(db, inc.event_id)
    if replay is not None:
        return replay
    try:
        center = load_center(db)
    except ConfigError as err:
        raise IntakeError(str(err)) from None
    cat = category_of(center, inc)
    with write_transaction(db):
        found = _find_open(db, inc, cat)
        ticket = get_ticket(db, found) if found else _open(db, inc, cat, cell_of(center, inc))
        _record(db, ticket, inc, now)
        raised = _update_ticket(db, ticket, inc, cat)
        dispatched: tuple[str, ...] = ()
        if (
            not inc.replay  # a replayed crowd calls nobody out
            and inc.level is Level.CRITICAL
            and cat.critical_units
            and inc.state is not EventState.CLEARED
        ):
            dispatched = _critical_dispatch(
                db, get_ticket(db, ticket.id), cat, center, inc.observed_at
            )
        t = get_ticket(db, ticket.id)
    outcome = "joined" if found else "opened"
    return TicketChange(t.id, inc.event_id, outcome, t.state.value, t.priority, raised, dispatched)
