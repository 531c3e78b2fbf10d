"""File the stored incidents as tickets: the second step after :func:`collector.ingest.store.store_batch`.

The broker was acknowledged once the rows were durable; this step runs the ticket rules over the
committed rows, so a burst is not held up by them and a ticket-rule failure never blocks ingest.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from collector.errors import CollectorError
from collector.store import write_transaction
from edge_agent.contract.incident import IncidentKind

__all__ = ["Filer", "default_filer", "file_pending"]

log = logging.getLogger(__name__)

Filer = Callable[[sqlite_utils.Database, dict[str, Any]], Any]
"""``filer(db, payload)``: files one stored incident payload (the tickets intake by default)."""


def default_filer() -> Filer:
    """Files by kind: a ``patrol_check`` is its place's patrol record (:mod:`collector.patrol`),
    every other incident goes to the ticket intake (:mod:`collector.tickets`), and the watched
    place it carries is remembered for the patrol. Imported late: each room owns its tables."""
    from collector.patrol import file_patrol_check, note_watched
    from collector.tickets import file_incident

    def filer(db: sqlite_utils.Database, payload: dict[str, Any]) -> Any:
        if payload.get("kind") == IncidentKind.PATROL_CHECK.value:
            return file_patrol_check(db, payload)
        change = file_incident(db, payload)
        if "watched_place" in payload:
            note_watched(db, payload)
        return change

    return filer


def file_pending(db: sqlite_utils.Database, filer: Filer, limit: int = 200) -> int:
    """File stored incidents not filed yet, oldest first, in one transaction; returns how many.

    ``filed`` is set in the same transaction as the ticket change, and ``file_incident`` is
    idempotent on ``event_id`` besides, so each event is filed exactly once. An event the ticket
    rules refuse gets ``file_error`` (and is not retried); an operational store error (locked,
    disk full) rolls the round back and is raised, so those events are filed on a later round.
    """
    done = 0
    with write_transaction(db):  # one transaction: the savepoints below nest in it
        rows = db.conn.execute(
            "SELECT event_id, payload FROM ingest_incidents WHERE filed=0 AND file_error IS NULL"
            " ORDER BY rowid LIMIT ?",
            (limit,),
        ).fetchall()
        for event_id, raw in rows:
            db.conn.execute("SAVEPOINT file_incident")
            try:
                filer(db, json.loads(raw))
            except sqlite3.OperationalError:  # locked, disk full...: retried on the next round
                raise
            except Exception as err:  # refused by the ticket rules, or a bug there: keep going
                if not isinstance(err, CollectorError):
                    log.exception("file_incident failed on %s", event_id)
                db.conn.execute("ROLLBACK TO file_incident")
                db.conn.execute(
                    "UPDATE ingest_incidents SET file_error=? WHERE event_id=?",
                    (f"{type(err).__name__}: {err}"[:1000], event_id),
                )
            else:
                db.conn.execute("UPDATE ingest_incidents SET filed=1 WHERE event_id=?", (event_id,))
            db.conn.execute("RELEASE file_incident")
            done += 1
    return done
