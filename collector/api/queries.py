"""Read side of the API: tickets selected by GeoReport filters, and what is read beside a ticket.

These functions only read the ticket tables of :mod:`collector.tickets.schema`; every change to a
ticket goes through the tickets library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from collector.api.georeport import TicketView
from collector.api.status_map import states_for
from collector.feed.changes import ticket_version

__all__ = [
    "RequestFilter",
    "find_tickets",
    "ticket_row",
    "ticket_view",
    "stored_evidence",
    "MAX_LIMIT",
]

MAX_LIMIT = 1000
"""GeoReport's usual page size: at most this many requests per answer."""


@dataclass(frozen=True)
class RequestFilter:
    """GeoReport filters (``ids``, ``service_codes``, ``statuses``, dates) and ours (cell, unit).

    ``statuses`` may hold ``open``/``closed`` or extended statuses; ``cell`` is a 6-, 9-, 12- or
    15-digit code prefix (county, town, community, cell); dates are ISO 8601 UTC strings compared
    with the ticket's ``received_at``.
    """

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    cell: str | None = None
    unit: str | None = None
    limit: int = MAX_LIMIT


def _in(column: str, values: tuple) -> tuple[str, list]:
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _where(f: RequestFilter) -> tuple[list[str], list]:
    clauses: list[str] = []
    params: list = []
    states = sorted({s for status in f.statuses for s in states_for(status)})
    for column, values in (("id", f.ids), ("category", f.service_codes), ("state", states)):
        if values or (column == "state" and f.statuses):
            sql, p = _in(column, tuple(values))
            clauses.append(sql)
            params += p
    for sql, value in (
        ("received_at >= ?", f.start),
        ("received_at <= ?", f.end),
        ("grid_cell LIKE ? || '%'", f.cell),
        ("id IN (SELECT ticket_id FROM ticket_units WHERE unit = ?)", f.unit),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)
    return clauses, params


def find_tickets(db: sqlite_utils.Database, f: RequestFilter) -> list[dict]:
    """Ticket rows matching ``f``, newest first, at most ``f.limit``."""
    clauses, params = _where(f)
    where = " AND ".join(clauses) or "1"
    sql = f"SELECT * FROM tickets WHERE {where} ORDER BY received_at DESC, id DESC LIMIT ?"
    return list(db.query(sql, [*params, min(f.limit, MAX_LIMIT)]))


def ticket_row(db: sqlite_utils.Database, ticket_id: int) -> dict | None:
    """One ticket row, or ``None``."""
    rows = list(db.query("SELECT * FROM tickets WHERE id = ?", [ticket_id]))
    return rows[0] if rows else None


def _first_evidence(db: sqlite_utils.Database, ticket_id: int) -> str | None:
    sql = "SELECT evidence FROM ticket_events WHERE ticket_id = ? ORDER BY observed_at, seq"
    for (text,) in db.execute(sql, [ticket_id]).fetchall():
        for item in json.loads(text or "[]"):
            name = item.get("name") if isinstance(item, dict) else item
            if name:
                return str(name)
    return None


def ticket_view(db: sqlite_utils.Database, row: dict) -> TicketView:
    """The ticket row with its active units, version, latest note, evidence and submission."""
    tid = row["id"]
    units_sql = "SELECT unit FROM ticket_units WHERE ticket_id = ? AND active = 1 ORDER BY unit"
    units = [u for (u,) in db.execute(units_sql, [tid]).fetchall()]
    note_sql = (
        "SELECT note FROM ticket_audit WHERE ticket_id = ? AND note IS NOT NULL AND note != ''"
        " ORDER BY id DESC LIMIT 1"
    )
    note = db.execute(note_sql, [tid]).fetchone()
    subs = list(db.query("SELECT * FROM api_submissions WHERE ticket_id = ?", [tid]))
    return TicketView(
        row=row,
        units=units,
        version=ticket_version(db, tid),
        last_note=note[0] if note else None,
        evidence=_first_evidence(db, tid),
        submission=subs[0] if subs else None,
    )


def stored_evidence(db: sqlite_utils.Database, name: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of an evidence file the ingest stored under ``name``, or ``None``."""
    if "evidence_files" not in db.table_names():
        return None
    sql = "SELECT content_type, data FROM evidence_files WHERE name = ? LIMIT 1"
    row = db.execute(sql, [name]).fetchone()
    return (str(row[0]), bytes(row[1])) if row else None
