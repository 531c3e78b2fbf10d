"""The table of what reporters sent with an API request, created by a named migration (see
:mod:`collector.migrations`; registered right after the API's keys, its name unchanged).

- ``api_submissions``: what a reporter sent with a request (place, text, contact), by ticket.
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("api_0002_submissions")
def _submissions(db: sqlite_utils.Database) -> None:
    """What a reporter sent with ``POST requests.json`` beyond the ticket's own columns."""
    db.executescript(
        """
        CREATE TABLE api_submissions (
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            key_id TEXT NOT NULL,
            lat REAL, long REAL,
            address_string TEXT,
            description TEXT,
            email TEXT, first_name TEXT, last_name TEXT, phone TEXT,
            media_url TEXT,
            submitted_at TEXT NOT NULL
        );
        """
    )
