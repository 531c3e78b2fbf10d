"""Tables of device health: each fault episode once, and since when each camera is in its state."""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("devices_0001_faults")
def _faults(db: sqlite_utils.Database) -> None:
    # (device, kind, since) names one episode: two collectors, or a restart, file it once
    db.execute(
        """CREATE TABLE device_faults (
        id INTEGER PRIMARY KEY,
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        since TEXT NOT NULL,
        site TEXT NOT NULL, box TEXT NOT NULL, camera TEXT,
        detail TEXT NOT NULL,
        ticket_id INTEGER REFERENCES tickets(id),
        outcome TEXT NOT NULL,
        filed_at TEXT NOT NULL,
        recovered_at TEXT,
        UNIQUE (device, kind, since)
    )"""
    )
    db.execute("CREATE INDEX device_faults_open ON device_faults(device, recovered_at)")
    db.execute(
        """CREATE TABLE device_cameras (
        site TEXT NOT NULL, box TEXT NOT NULL, camera TEXT NOT NULL,
        state TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (site, box, camera)
    )"""
    )
