"""File a ``patrol_check`` as the day's record of its watched place (not as a ticket), and note
the watched place of every other incident.

:func:`file_patrol_check` is idempotent on ``event_id``. The first check of a place and day is
its record; a later one of the same day is ignored (it stays in the event store, as every event
does). A check arriving after the scheduler flagged the day ``missing`` (an outbox drained late)
fills that row and keeps ``missing_since``, so the record shows that it came late. A replayed
check (``edge-agent replay``) is filed marked ``replay`` at the recording's day, and a replay makes
no place expected (no missing flags from a recording).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig
from collector.errors import ConfigError, IntakeError
from collector.grid.store import load_center
from collector.store import write_transaction
from collector.tickets.intake import cell_of, parse_incident
from collector.tickets.model import to_db_time
from edge_agent.contract.incident import Incident, IncidentKind

__all__ = ["PatrolFiled", "file_patrol_check", "note_place", "note_watched"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PatrolFiled:
    """What filing one patrol check did. ``outcome``: ``filed``, ``late`` (it filled a day
    flagged missing), ``ignored`` (the day had its check) or ``duplicate`` (this event again)."""

    record_id: int | None
    event_id: str
    outcome: str
    day: str
    cell: str


def note_place(
    db: sqlite_utils.Database, inc: Incident, cell: str, window: str | None = None
) -> None:
    """Remember ``inc``'s watched place (kind, case number, cell, window, last heard of)."""
    place = inc.watched_place
    if place is None:
        return
    at = to_db_time(inc.observed_at)
    db.execute(
        "INSERT INTO patrol_places (site, box, camera, zone, cell, kind, case_number, window,"
        " first_seen_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (site, camera, zone) DO UPDATE SET box = excluded.box,"
        " cell = excluded.cell, kind = excluded.kind,"
        " case_number = COALESCE(excluded.case_number, case_number),"
        " window = COALESCE(excluded.window, window),"
        " first_seen_at = MIN(first_seen_at, excluded.first_seen_at),"
        " last_seen_at = MAX(last_seen_at, excluded.last_seen_at)",
        [inc.site, inc.box, inc.camera, inc.zone, cell, place.kind.value]
        + [place.case_number, window, at, at],
    )


def note_watched(db: sqlite_utils.Database, payload: dict[str, Any]) -> None:
    """Remember the watched place of a stored incident of another kind (filed as a ticket)."""
    inc = parse_incident(payload)
    if inc.watched_place is not None and not inc.replay:
        with write_transaction(db):
            note_place(db, inc, cell_of(_center(db), inc))


def _center(db: sqlite_utils.Database) -> CenterConfig:
    try:
        return load_center(db)
    except ConfigError as err:
        raise IntakeError(str(err)) from None


def _row(inc: Incident, cell: str, now: datetime) -> dict[str, Any]:
    assert inc.patrol is not None and inc.watched_place is not None
    check = inc.patrol
    return {
        "site": inc.site,
        "box": inc.box,
        "camera": inc.camera,
        "zone": inc.zone,
        "cell": cell,
        "day": check.day.isoformat(),
        "kind": inc.watched_place.kind.value,
        "case_number": inc.watched_place.case_number,
        "window": check.window,
        "verdict": check.verdict.value,
        "event_id": inc.event_id,
        "incident_id": inc.id,
        "change_id": check.change_id,
        "reference_at": to_db_time(check.reference_at),
        "observed_at": to_db_time(inc.observed_at),
        "evidence": json.dumps([asdict(e) for e in inc.evidence]),
        "replay": int(inc.replay),
        "filed_at": to_db_time(now),
    }


def _store(db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[int | None, str]:
    found = db.execute(
        "SELECT id, verdict FROM patrol_days WHERE site = ? AND camera = ? AND zone = ? AND day = ?",
        [row["site"], row["camera"], row["zone"], row["day"]],
    ).fetchone()
    if found is None:
        return db.table("patrol_days").insert(row).last_pk, "filed"
    if found[1] != "missing":
        log.info(
            "patrol check %s: %s already has its check of %s",
            row["event_id"],
            f"{row['site']}/{row['camera']}/{row['zone']}",
            row["day"],
        )
        return int(found[0]), "ignored"
    db.table("patrol_days").update(found[0], row)
    return int(found[0]), "late"


def file_patrol_check(
    db: sqlite_utils.Database, payload: dict[str, Any], now: datetime | None = None
) -> PatrolFiled:
    """File one validated ``patrol_check`` payload as its place's record of the day."""
    now = now or datetime.now(UTC)
    inc = parse_incident(payload)
    if inc.kind is not IncidentKind.PATROL_CHECK or inc.patrol is None:
        raise IntakeError(f"incident event {inc.event_id}: not a patrol_check ({inc.kind.value})")
    day = inc.patrol.day.isoformat()
    done = db.execute("SELECT id, cell FROM patrol_days WHERE event_id = ?", [inc.event_id])
    again = done.fetchone()
    if again is not None:
        return PatrolFiled(int(again[0]), inc.event_id, "duplicate", day, str(again[1]))
    cell = cell_of(_center(db), inc)
    with write_transaction(db):
        if not inc.replay:  # a recording's places are not expected every day
            note_place(db, inc, cell, inc.patrol.window)
        record, outcome = _store(db, _row(inc, cell, now))
    return PatrolFiled(record, inc.event_id, outcome, day, cell)
