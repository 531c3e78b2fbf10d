"""Read and write tickets in the store. Read functions are the API an HTTP layer calls.

Example:
    >>> from datetime import datetime, timezone
    >>> from collector.store import open_store
    >>> db = open_store(":memory:")
    >>> t0 = datetime(2015, 5, 1, 9, 0, tzinfo=timezone.utc)
    >>> t = receive(db, NewTicket(category="9102", grid_cell="330421101001001",
    ...     title="fire lane blocked", at=t0), actor="wang.duty", role=Role.DUTY_CHIEF)
    >>> get_ticket(db, t.id).state.value, len(ticket_history(db, t.id))
    ('received', 1)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlite_utils

from collector.config.models import Role
from collector.errors import TicketNotFound
from collector.store import write_transaction
from collector.tickets.model import AuditRow, Ticket, TimelineEvent, to_db_time
from collector.tickets.workflow import State
from edge_agent.contract.incident import Level

__all__ = [
    "NewTicket",
    "receive",
    "get_ticket",
    "list_tickets",
    "ticket_history",
    "ticket_timeline",
    "ticket_dispatches",
    "write_audit",
    "db_values",
]


@dataclass(frozen=True)
class NewTicket:
    """A case as it is received (from an incident, a patrol or a citizen)."""

    category: str
    grid_cell: str
    title: str
    at: datetime
    source: str = "manual"
    priority: int = 1
    urgent: bool = False
    level: Level | None = None
    site: str | None = None
    box: str | None = None
    camera: str | None = None
    zone: str | None = None
    case_number: str | None = None
    """The earlier case it follows up (the order a stop-work household breached)."""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError(f"a new ticket needs a time with a zone; got {self.at.isoformat()}")
        if self.level is not None and not isinstance(self.level, Level):
            raise ValueError(f"a new ticket's level must be a Level; got {self.level!r}")
        if self.priority < 1:
            raise ValueError(f"a new ticket's priority must be >= 1; got {self.priority}")
        for name in ("category", "grid_cell", "source"):
            if not getattr(self, name):
                raise ValueError(f"a new ticket needs a {name}")


def db_values(values: dict[str, Any]) -> dict[str, Any]:
    """Datetimes to stored text; everything else unchanged."""
    return {k: to_db_time(v) if isinstance(v, datetime) else v for k, v in values.items()}


def write_audit(
    db: sqlite_utils.Database,
    ticket_id: int,
    step: tuple[str, str | None, str],
    who: tuple[str, str],
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Append one history row; ``step`` is (action, from_state, to_state), ``who`` (actor, role)."""
    action, from_state, to_state = step
    db.table("ticket_audit").insert(
        {
            "ticket_id": ticket_id,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "actor": who[0],
            "role": who[1],
            "at": to_db_time(at),
            "note": note or None,
            "data": json.dumps(db_values(data or {})) if data else None,
        }
    )


def receive(
    db: sqlite_utils.Database,
    new: NewTicket,
    actor: str,
    role: Role,
    data: dict[str, Any] | None = None,
) -> Ticket:
    """Create a ticket in state ``received`` and its first audit row (``data`` beside it), in one
    transaction."""
    row = db_values(
        {
            "state": State.RECEIVED.value,
            "category": new.category,
            "title": new.title,
            "source": new.source,
            "site": new.site,
            "box": new.box,
            "camera": new.camera,
            "zone": new.zone,
            "grid_cell": new.grid_cell,
            "level": new.level.value if new.level else None,
            "priority": new.priority,
            "urgent": int(new.urgent),
            "received_at": new.at,
            "updated_at": new.at,
            "case_number": new.case_number,
        }
    )
    with write_transaction(db):
        ticket_id = cast(int, db.table("tickets").insert(row).last_pk)
        step = ("receive", None, State.RECEIVED.value)
        write_audit(db, ticket_id, step, (actor, role.value), new.at, data=data)
    return get_ticket(db, ticket_id)


def _units(db: sqlite_utils.Database, ticket_id: int) -> tuple[str, ...]:
    rows = db.query(
        "SELECT unit FROM ticket_units WHERE ticket_id = ? AND active = 1 ORDER BY rowid",
        [ticket_id],
    )
    return tuple(r["unit"] for r in rows)


def get_ticket(db: sqlite_utils.Database, ticket_id: int) -> Ticket:
    """The ticket with this id; raises :class:`TicketNotFound`."""
    rows = list(db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
    if not rows:
        raise TicketNotFound("ticket_not_found", ticket=ticket_id)
    return Ticket.from_row(rows[0], _units(db, ticket_id))


def list_tickets(
    db: sqlite_utils.Database,
    state: str | None = None,
    unit: str | None = None,
    cell: str | None = None,
    category: str | None = None,
    limit: int | None = None,
) -> list[Ticket]:
    """Tickets, newest first; ``cell`` matches a cell code or a code prefix (community, town)."""
    where, params = ["1 = 1"], []
    if state:
        where.append("state = ?")
        params.append(State(state).value)
    if cell:
        where.append("grid_cell LIKE ?")
        params.append(cell + "%")
    if category:
        where.append("category = ?")
        params.append(category)
    if unit:
        where.append("id IN (SELECT ticket_id FROM ticket_units WHERE unit = ?)")
        params.append(unit)
    sql = f"SELECT * FROM tickets WHERE {' AND '.join(where)} ORDER BY id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [Ticket.from_row(r, _units(db, r["id"])) for r in db.query(sql, params)]


def ticket_history(db: sqlite_utils.Database, ticket_id: int) -> list[AuditRow]:
    """The ticket's audit rows, oldest first."""
    rows = db.query("SELECT * FROM ticket_audit WHERE ticket_id = ? ORDER BY id", [ticket_id])
    return [AuditRow.from_row(r) for r in rows]


def ticket_timeline(db: sqlite_utils.Database, ticket_id: int) -> list[TimelineEvent]:
    """The incident events filed on the ticket, in observation order."""
    rows = db.query(
        "SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY observed_at, seq", [ticket_id]
    )
    return [TimelineEvent.from_row(r) for r in rows]


def ticket_dispatches(db: sqlite_utils.Database, ticket_id: int) -> list[dict[str, Any]]:
    """Every unit the ticket was dispatched to, with ``active`` = still responsible."""
    rows = db.query("SELECT * FROM ticket_units WHERE ticket_id = ? ORDER BY rowid", [ticket_id])
    return [dict(r) for r in rows]
