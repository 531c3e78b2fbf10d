"""What the GeoReport shape of a ticket reads beside its row: active units, version, latest note,
first evidence (all through the tickets library) and what the reporter sent with an API request.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from collector.open311.georeport import TicketView
from collector.tickets.changes import ticket_version
from collector.tickets.queries import active_units, first_evidence, last_note

__all__ = ["ticket_view", "submission_of", "record_submission", "SUBMISSION_FIELDS"]

SUBMISSION_FIELDS = (
    "lat",
    "long",
    "address_string",
    "description",
    "email",
    "first_name",
    "last_name",
    "phone",
    "media_url",
)
"""What a reporter may send beside the ticket's own columns."""


def record_submission(
    db: sqlite_utils.Database, ticket_id: int, key_id: str, fields: dict, at: datetime
) -> None:
    """Keep what the reporter sent (``SUBMISSION_FIELDS``) beside the ticket it opened."""
    row = {f: fields.get(f) for f in SUBMISSION_FIELDS}
    db.table("api_submissions").insert(
        row | {"ticket_id": ticket_id, "key_id": key_id, "submitted_at": at.isoformat()}
    )


def submission_of(db: sqlite_utils.Database, ticket_id: int) -> dict | None:
    """What a reporter sent with ``POST requests.json`` for this ticket, or ``None``."""
    rows = list(db.query("SELECT * FROM api_submissions WHERE ticket_id = ?", [ticket_id]))
    return rows[0] if rows else None


def ticket_view(db: sqlite_utils.Database, row: dict) -> TicketView:
    """The ticket row with its active units, version, latest note, evidence and submission."""
    tid = row["id"]
    return TicketView(
        row=row,
        units=active_units(db, tid),
        version=ticket_version(db, tid),
        last_note=last_note(db, tid),
        evidence=first_evidence(db, tid),
        submission=submission_of(db, tid),
    )
