"""Read-only queries over the ticket tables for the front ends that show tickets as rows (the
GeoReport API and the change feed, the demo, the statistics). Every change goes through
:mod:`collector.tickets.service`; this module only reads.

Example:
    >>> from collector.store import open_store
    >>> find_ticket_rows(open_store(":memory:"), TicketQuery(states=("received",)))
    []
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from collector.tickets.model import AuditRow, to_db_time

__all__ = [
    "TicketQuery",
    "find_ticket_rows",
    "ticket_row",
    "active_units",
    "last_note",
    "first_evidence",
    "audit_rows",
    "count_tickets",
    "count_by_state",
    "count_overdue",
    "filed_events_after",
    "tickets_of_incidents",
]

#: States in which a due time no longer matters (for the overdue count).
SETTLED_STATES = ("closed", "void", "duplicate")


@dataclass(frozen=True)
class TicketQuery:
    """Which ticket rows: ids, categories, states (each empty: any), received between ``start``
    and ``end`` (stored UTC text), in a cell or code prefix, dispatched to a unit; newest first.
    ``any_state=False`` with empty ``states`` matches nothing (a status that maps to no state)."""

    ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    any_state: bool = True
    start: str | None = None
    end: str | None = None
    cell: str | None = None
    unit: str | None = None
    limit: int = 1000

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"a ticket query's limit must be >= 1; got {self.limit}")


def _in(column: str, values: tuple) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _where(q: TicketQuery) -> tuple[list[str], list]:
    clauses: list[str] = []
    params: list = []
    for column, values, always in (
        ("id", q.ids, False),
        ("category", q.categories, False),
        ("state", tuple(sorted(q.states)), not q.any_state),
    ):
        if values or always:
            sql, p = _in(column, values)
            clauses.append(sql)
            params += p
    for sql, value in (
        ("received_at >= ?", q.start),
        ("received_at <= ?", q.end),
        ("grid_cell LIKE ? || '%'", q.cell),
        ("id IN (SELECT ticket_id FROM ticket_units WHERE unit = ?)", q.unit),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)
    return clauses, params


def find_ticket_rows(db: sqlite_utils.Database, q: TicketQuery) -> list[dict]:
    """Ticket rows matching ``q``, newest first (received time, then id), at most ``q.limit``."""
    clauses, params = _where(q)
    where = " AND ".join(clauses) or "1"
    sql = f"SELECT * FROM tickets WHERE {where} ORDER BY received_at DESC, id DESC LIMIT ?"
    return list(db.query(sql, [*params, q.limit]))


def ticket_row(db: sqlite_utils.Database, ticket_id: int) -> dict | None:
    """One ticket row as stored, or ``None``."""
    rows = list(db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
    return rows[0] if rows else None


def active_units(db: sqlite_utils.Database, ticket_id: int) -> list[str]:
    """The units now responsible for the ticket, by id."""
    sql = "SELECT unit FROM ticket_units WHERE ticket_id = ? AND active = 1 ORDER BY unit"
    return [u for (u,) in db.execute(sql, [ticket_id]).fetchall()]


def last_note(db: sqlite_utils.Database, ticket_id: int) -> str | None:
    """The latest non-empty note of the ticket's history."""
    sql = (
        "SELECT note FROM ticket_audit WHERE ticket_id = ? AND note IS NOT NULL AND note != ''"
        " ORDER BY id DESC LIMIT 1"
    )
    row = db.execute(sql, [ticket_id]).fetchone()
    return row[0] if row else None


def first_evidence(db: sqlite_utils.Database, ticket_id: int) -> str | None:
    """The name of the first evidence file of the ticket's incident events, in observed order."""
    sql = "SELECT evidence FROM ticket_events WHERE ticket_id = ? ORDER BY observed_at, seq"
    for (text,) in db.execute(sql, [ticket_id]).fetchall():
        for item in json.loads(text or "[]"):
            name = item.get("name") if isinstance(item, dict) else item
            if name:
                return str(name)
    return None


def audit_rows(db: sqlite_utils.Database, actions: tuple[str, ...]) -> list[AuditRow]:
    """Every history row of these actions, oldest first."""
    sql, params = _in("action", actions)
    return [
        AuditRow.from_row(r)
        for r in db.query(f"SELECT * FROM ticket_audit WHERE {sql} ORDER BY id", params)
    ]


def count_tickets(db: sqlite_utils.Database) -> int:
    """How many tickets the store holds."""
    return int(db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])


def count_by_state(db: sqlite_utils.Database) -> dict[str, int]:
    """How many tickets are in each workflow state (states without tickets are absent)."""
    rows = db.execute("SELECT state, COUNT(*) FROM tickets GROUP BY state").fetchall()
    return {str(state): int(n) for state, n in rows}


def count_overdue(db: sqlite_utils.Database, now: datetime) -> int:
    """Open tickets whose due time is ``now`` or earlier."""
    marks = ",".join("?" * len(SETTLED_STATES))
    sql = (
        "SELECT COUNT(*) FROM tickets WHERE due_at IS NOT NULL AND due_at <= ?"
        f" AND state NOT IN ({marks})"
    )
    return int(db.execute(sql, [to_db_time(now), *SETTLED_STATES]).fetchone()[0])


def filed_events_after(
    db: sqlite_utils.Database, rowid: int
) -> list[tuple[int, int, str, int, str]]:
    """``(event rowid, ticket id, ticket state, priority, title)`` of each incident event filed
    after ``rowid``, in filing order (a watcher's cursor)."""
    sql = (
        "SELECT e.rowid, t.id, t.state, t.priority, t.title FROM ticket_events e"
        " JOIN tickets t ON t.id = e.ticket_id WHERE e.rowid > ? ORDER BY e.rowid"
    )
    return [tuple(r) for r in db.execute(sql, [rowid]).fetchall()]


def tickets_of_incidents(db: sqlite_utils.Database, incident_ids: set[str]) -> dict[str, int]:
    """incident id -> the ticket its events were filed on (the newest, if several)."""
    if not incident_ids:
        return {}
    ids = sorted(incident_ids)
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(
        f"SELECT incident_id, MAX(ticket_id) FROM ticket_events WHERE incident_id IN ({marks})"
        " GROUP BY incident_id",
        ids,
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
