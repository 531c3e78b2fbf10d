"""Tables of the outbound change feed, created by named migrations (:mod:`collector.migrations`).

- ``feed_cursors``: one row per feed (named receiver). ``last_audit_id`` is the id of the last
  ``ticket_audit`` row the receiver acknowledged; the worker resumes after it, so a restart loses
  nothing and repeats at most the last unacknowledged batch (at-least-once).
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("feed_0001_cursors")
def _cursors(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE feed_cursors (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            last_audit_id INTEGER NOT NULL DEFAULT 0,
            delivered INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            updated_at TEXT NOT NULL
        );
        """
    )
