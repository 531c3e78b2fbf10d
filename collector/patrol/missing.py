"""The scheduler's ``patrol_missing`` job: a watched place without its day's patrol check once
the day's window and the grace have passed is flagged ``missing``, once.

Which places are expected: every place the center heard of (a patrol check or any incident
carrying ``watched_place``) within ``policy.patrol.known_for_days`` of now; which days: from the
day after it was first heard of, at most ``known_for_days`` back. Days and windows are read on
the center's calendar (``calendar.utc_offset``), which is the boxes' local time too. Exactly once:
the flag is an ``INSERT OR IGNORE`` on the unique (place, day), so two collectors or a restart
insert it once, and a check already filed is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig
from collector.store import write_transaction
from collector.tickets.model import from_db_time, to_db_time

__all__ = ["ExpectedPlace", "expected_places", "known_place", "window_end", "flag_missing"]


@dataclass(frozen=True)
class ExpectedPlace:
    site: str
    box: str
    camera: str
    zone: str
    cell: str
    kind: str
    case_number: str | None
    window: str
    first_seen_at: datetime
    last_seen_at: datetime


def _place(row: dict[str, Any], center: CenterConfig) -> ExpectedPlace:
    first, last = from_db_time(row["first_seen_at"]), from_db_time(row["last_seen_at"])
    assert first is not None and last is not None
    return ExpectedPlace(
        row["site"],
        row["box"],
        row["camera"],
        row["zone"],
        row["cell"],
        row["kind"],
        row["case_number"],
        row["window"] or center.policy.patrol.default_window,
        first,
        last,
    )


def expected_places(
    db: sqlite_utils.Database, center: CenterConfig, now: datetime
) -> list[ExpectedPlace]:
    """The places heard of within ``known_for_days`` of ``now`` (their window, or the default)."""
    since = to_db_time(now - timedelta(days=center.policy.patrol.known_for_days))
    rows = db.query(
        "SELECT * FROM patrol_places WHERE last_seen_at >= ? ORDER BY cell, site, camera, zone",
        [since],
    )
    return [_place(r, center) for r in rows]


def known_place(
    db: sqlite_utils.Database, center: CenterConfig, key: tuple[str, str, str]
) -> ExpectedPlace | None:
    """The place ``(site, camera, zone)`` if the center ever heard of it."""
    rows = list(
        db.query("SELECT * FROM patrol_places WHERE site = ? AND camera = ? AND zone = ?", key)
    )
    return _place(rows[0], center) if rows else None


def window_end(day: date, window: str, center: CenterConfig) -> datetime:
    """When ``window`` of ``day`` ends, on the center's calendar."""
    hh, mm = (int(x) for x in window.split("-")[1].split(":"))
    return datetime.combine(day, time(hh, mm), tzinfo=center.calendar.tz())


def _due_days(place: ExpectedPlace, center: CenterConfig, now: datetime) -> list[date]:
    policy = center.policy.patrol
    tz = center.calendar.tz()
    today = now.astimezone(tz).date()
    first = max(
        place.first_seen_at.astimezone(tz).date() + timedelta(days=1),
        today - timedelta(days=policy.known_for_days),
    )
    grace = timedelta(minutes=policy.grace_min)
    days = (first + timedelta(days=i) for i in range((today - first).days + 1))
    return [d for d in days if window_end(d, place.window, center) + grace <= now]


def flag_missing(db: sqlite_utils.Database, now: datetime, center: CenterConfig) -> int:
    """Flag every due (place, day) without a check; returns how many flags were inserted."""
    flagged = 0
    with write_transaction(db):
        for place in expected_places(db, center, now):
            for day in _due_days(place, center, now):
                cur = db.execute(
                    "INSERT OR IGNORE INTO patrol_days (site, box, camera, zone, cell, day, kind,"
                    " case_number, window, verdict, missing_since, filed_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,'missing',?,?)",
                    [
                        place.site,
                        place.box,
                        place.camera,
                        place.zone,
                        place.cell,
                        day.isoformat(),
                        place.kind,
                        place.case_number,
                        place.window,
                        to_db_time(now),
                        to_db_time(now),
                    ],
                )
                flagged += cur.rowcount
    return flagged
