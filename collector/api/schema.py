"""Tables of the Open311 API, created by named migrations (see :mod:`collector.migrations`).

- ``api_keys``: one row per API key; only a salted HMAC-SHA256 of the secret is stored, never the
  secret itself. ``scope`` is ``read`` or ``write``; a revoked key keeps its row (``revoked_at``).
- ``api_submissions``: what a reporter sent with a request (place, text, contact), by ticket.
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("api_0001_keys")
def _keys(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
            salt TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        """
    )


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
