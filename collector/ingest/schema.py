"""Tables of the MQTT ingest, created by named migrations (see :mod:`collector.migrations`)."""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []

_STATEMENTS = [
    """CREATE TABLE ingest_incidents (
        event_id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        site TEXT NOT NULL, box TEXT NOT NULL, camera TEXT NOT NULL, zone TEXT NOT NULL,
        kind TEXT NOT NULL, level TEXT NOT NULL, state TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        filed INTEGER NOT NULL DEFAULT 0,
        file_error TEXT
    )""",
    "CREATE INDEX ingest_incidents_incident ON ingest_incidents(incident_id, seq)",
    "CREATE INDEX ingest_incidents_box ON ingest_incidents(site, box, camera)",
    # rebuilt with AUTOINCREMENT by deadletters_0002_ids_never_reused (ids never handed out twice)
    """CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        raw BLOB NOT NULL,
        UNIQUE (topic, sha256)
    )""",
    "CREATE INDEX dead_letters_reason ON dead_letters(reason)",
    """CREATE TABLE evidence_files (
        event_id TEXT NOT NULL REFERENCES ingest_incidents(event_id),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (event_id, name)
    )""",
    """CREATE TABLE box_status (
        site TEXT NOT NULL, box TEXT NOT NULL,
        state TEXT, status TEXT, status_at TEXT,
        metrics TEXT, metrics_at TEXT,
        PRIMARY KEY (site, box)
    )""",
    """CREATE TABLE control_acks (
        command_id TEXT NOT NULL, site TEXT NOT NULL, box TEXT NOT NULL,
        status TEXT NOT NULL, reason TEXT, payload TEXT NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (site, box, command_id)
    )""",
]


@migration("ingest_0001_tables")
def _tables(db: sqlite_utils.Database) -> None:
    for statement in _STATEMENTS:
        db.execute(statement)


@migration("ingest_0002_evidence_pending")
def _pending(db: sqlite_utils.Database) -> None:
    """Evidence held until its incident is stored (shared subscriptions), at most a while."""
    db.execute(
        """CREATE TABLE evidence_pending (
        event_id TEXT NOT NULL, name TEXT NOT NULL, topic TEXT NOT NULL,
        raw BLOB NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (event_id, name)
    )"""
    )
    db.execute("CREATE INDEX evidence_pending_received ON evidence_pending(received_at)")


@migration("ingest_0003_evidence_name")
def _evidence_name(db: sqlite_utils.Database) -> None:
    """The API serves evidence by name: without this index each image read scans every image."""
    db.execute("CREATE INDEX evidence_files_name ON evidence_files(name)")
