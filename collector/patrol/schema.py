"""Tables of the daily patrol (their own room: the ticket tables stay in ``collector/tickets``).

- ``patrol_places``: every watched place the center heard of (any incident carrying
  ``watched_place``), its kind, case number, window and when it was first and last heard of.
- ``patrol_days``: one row per place and day (``UNIQUE (site, camera, zone, day)``): the day's
  patrol check, or the ``missing`` flag the scheduler inserted once the window and its grace had
  passed. A check arriving after its flag fills that row and keeps ``missing_since``; ``replay``
  marks a check published by ``edge-agent replay`` from a recording.

Times are UTC ISO 8601 text (as in the ticket tables); ``day`` is the local date (``YYYY-MM-DD``).
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("patrol_0001_places_days")
def _tables(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE patrol_places (
        site TEXT NOT NULL, box TEXT NOT NULL, camera TEXT NOT NULL, zone TEXT NOT NULL,
        cell TEXT NOT NULL,
        kind TEXT NOT NULL,
        case_number TEXT,
        window TEXT,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        PRIMARY KEY (site, camera, zone)
    )"""
    )
    db.execute(
        """CREATE TABLE patrol_days (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL, box TEXT NOT NULL, camera TEXT NOT NULL, zone TEXT NOT NULL,
        cell TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        case_number TEXT,
        window TEXT NOT NULL,
        verdict TEXT NOT NULL,
        event_id TEXT UNIQUE,
        incident_id TEXT,
        change_id TEXT,
        reference_at TEXT,
        observed_at TEXT,
        evidence TEXT NOT NULL DEFAULT '[]',
        missing_since TEXT,
        replay INTEGER NOT NULL DEFAULT 0,
        filed_at TEXT NOT NULL,
        UNIQUE (site, camera, zone, day)
    )"""
    )
    db.execute("CREATE INDEX patrol_days_day ON patrol_days(day, cell)")
