"""Tables of the ticket store, created by named migrations (see :mod:`collector.migrations`).

- ``tickets``: one row per case, its current state, clock and counters (updated by the workflow).
- ``ticket_units``: the units a ticket was dispatched to (``active`` = still responsible).
- ``ticket_audit``: append-only history, one row per workflow step (triggers refuse UPDATE/DELETE).
- ``ticket_events``: the incident events filed on a ticket (its timeline); ``event_id`` is unique,
  which makes filing idempotent.
- ``notifications``: reminders, supervision notices and discipline-office records (``key`` unique,
  so running the scheduler twice writes nothing new).
- ``tickets.case_number``: the earlier case a ticket follows up (the stop-work order a breach
  of it breaks), from the incident's ``watched_place``.
- ``center_config``: the imported grid map, camera registry, units, categories, routing, calendar.

All times are stored as UTC ISO 8601 strings (``...+00:00``), so text order is time order.
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("tickets_0001_core")
def _core(db: sqlite_utils.Database) -> None:
    _execute_all(db, _CORE)


def _execute_all(db: sqlite_utils.Database, statements: str) -> None:
    """Run ``;;``-separated statements one by one, inside the migration's transaction.

    (``executescript`` would commit first and break the migration's atomicity.)
    """
    for statement in statements.split(";;"):
        if statement.strip():
            db.execute(statement)


_CORE = """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            category TEXT NOT NULL,
            title TEXT NOT NULL,
            source TEXT NOT NULL,
            site TEXT, box TEXT, camera TEXT, zone TEXT,
            grid_cell TEXT NOT NULL,
            level TEXT,
            priority INTEGER NOT NULL DEFAULT 1,
            urgent INTEGER NOT NULL DEFAULT 0,
            supervised INTEGER NOT NULL DEFAULT 0,
            mode TEXT,
            received_at TEXT NOT NULL,
            registered_at TEXT, dispatched_at TEXT, accepted_at TEXT, reported_at TEXT,
            verified_at TEXT, closed_at TEXT, voided_at TEXT, returned_at TEXT,
            duplicate_of INTEGER REFERENCES tickets(id),
            clock TEXT,
            clock_start TEXT,
            budget_s REAL,
            paused_s REAL NOT NULL DEFAULT 0,
            suspended_at TEXT,
            due_at TEXT,
            extension_request_s REAL,
            returns INTEGER NOT NULL DEFAULT 0,
            returns_no_reason INTEGER NOT NULL DEFAULT 0,
            reworks INTEGER NOT NULL DEFAULT 0,
            extensions INTEGER NOT NULL DEFAULT 0,
            falsified INTEGER NOT NULL DEFAULT 0,
            result_note TEXT, result_photo TEXT,
            first_observed_at TEXT, last_observed_at TEXT, cleared_at TEXT,
            updated_at TEXT NOT NULL
        );;
        CREATE INDEX tickets_state ON tickets(state);;
        CREATE INDEX tickets_cell ON tickets(grid_cell);;
        CREATE INDEX tickets_correlate ON tickets(site, camera, zone, category, state);;
        CREATE TABLE ticket_units (
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            unit TEXT NOT NULL,
            dispatched_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (ticket_id, unit)
        );;
        CREATE INDEX ticket_units_unit ON ticket_units(unit);;
        CREATE TABLE ticket_audit (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            action TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT,
            data TEXT
        );;
        CREATE INDEX ticket_audit_ticket ON ticket_audit(ticket_id);;
        CREATE TRIGGER ticket_audit_no_update BEFORE UPDATE ON ticket_audit
            BEGIN SELECT RAISE(ABORT, 'ticket_audit is append-only'); END;;
        CREATE TRIGGER ticket_audit_no_delete BEFORE DELETE ON ticket_audit
            BEGIN SELECT RAISE(ABORT, 'ticket_audit is append-only'); END;;
        CREATE TABLE ticket_events (
            event_id TEXT PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            incident_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            level TEXT NOT NULL,
            state TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            metrics TEXT NOT NULL,
            evidence TEXT NOT NULL
        );;
        CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, observed_at);;
        CREATE INDEX ticket_events_incident ON ticket_events(incident_id);;
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            unit TEXT,
            at TEXT NOT NULL,
            reason TEXT NOT NULL
        );;
        CREATE TABLE center_config (
            name TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            body TEXT NOT NULL
        );;
"""


@migration("tickets_0002_event_filed_at")
def _filed_at(db: sqlite_utils.Database) -> None:
    """When the collector filed the event (wall clock; correlation uses observed_at only)."""
    db.execute("ALTER TABLE ticket_events ADD COLUMN filed_at TEXT")


@migration("tickets_0003_case_number")
def _case_number(db: sqlite_utils.Database) -> None:
    """The earlier case a ticket follows up (a stop-work order's number), shown with the ticket."""
    db.execute("ALTER TABLE tickets ADD COLUMN case_number TEXT")
