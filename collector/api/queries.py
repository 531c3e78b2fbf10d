"""Read side of the API: GeoReport filters turned into a ticket query of the tickets library, and
the evidence files the ingest stored. What is read beside a ticket is
:func:`collector.open311.views.ticket_view`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from collector.open311.status_map import states_for
from collector.tickets.queries import TicketQuery, find_ticket_rows

__all__ = ["RequestFilter", "find_tickets", "stored_evidence", "MAX_LIMIT"]

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


def find_tickets(db: sqlite_utils.Database, f: RequestFilter) -> list[dict]:
    """Ticket rows matching ``f``, newest first, at most ``f.limit``."""
    query = TicketQuery(
        ids=f.ids,
        categories=f.service_codes,
        states=tuple({s for status in f.statuses for s in states_for(status)}),
        any_state=not f.statuses,
        start=f.start,
        end=f.end,
        cell=f.cell,
        unit=f.unit,
        limit=min(f.limit, MAX_LIMIT),
    )
    return find_ticket_rows(db, query)


def stored_evidence(db: sqlite_utils.Database, name: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of an evidence file the ingest stored under ``name``, or ``None``."""
    if "evidence_files" not in db.table_names():
        return None
    sql = "SELECT content_type, data FROM evidence_files WHERE name = ? LIMIT 1"
    row = db.execute(sql, [name]).fetchone()
    return (str(row[0]), bytes(row[1])) if row else None
