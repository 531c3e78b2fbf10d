"""The day's patrol per grid cell, and the days of one place, as values the CLI and the console
show. A place expected on a day without a row yet (its window or grace has not passed) is
``pending``; ``missing`` and ``camera_down`` are the flags a person must look at. A ``changed``
verdict names the ticket its construction change was filed on (looked up when read, so a change
filed after its check is linked all the same).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig
from collector.patrol.missing import ExpectedPlace, expected_places, known_place
from collector.tickets.model import from_db_time
from collector.tickets.queries import tickets_of_incidents

__all__ = [
    "FLAGGED",
    "PlaceDay",
    "CellPatrol",
    "day_patrol",
    "place_period",
    "place_key",
    "evidence_cell",
]

FLAGGED = frozenset({"missing", "camera_down"})
"""Verdicts that are flags on the day's record."""


def place_key(site: str, camera: str, zone: str) -> str:
    """How a place is named on the command line and in the console: ``site/camera/zone``."""
    return f"{site}/{camera}/{zone}"


@dataclass(frozen=True)
class PlaceDay:
    """One watched place on one day."""

    site: str
    camera: str
    zone: str
    cell: str
    day: date
    kind: str
    verdict: str
    window: str
    case_number: str | None = None
    observed_at: datetime | None = None
    reference_at: datetime | None = None
    change_id: str | None = None
    ticket_id: int | None = None
    missing_since: datetime | None = None
    evidence: tuple[dict[str, Any], ...] = ()
    replay: bool = False
    """Published by ``edge-agent replay`` from a recording."""

    @property
    def place(self) -> str:
        return place_key(self.site, self.camera, self.zone)

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED

    @property
    def late(self) -> bool:
        """Filed after its day had been flagged missing."""
        return self.missing_since is not None and self.verdict != "missing"

    def frame(self, role: str) -> str | None:
        """The evidence file of ``role`` (``after``: the day's frame, ``before``: the reference)."""
        return next((e["name"] for e in self.evidence if e["role"] == role), None)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for name, value in out.items():
            if isinstance(value, (date, datetime)):
                out[name] = value.isoformat()
        out.update(place=self.place, flagged=self.flagged, late=self.late)
        out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True)
class CellPatrol:
    cell: str
    name: str | None
    places: list[PlaceDay] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return sum(p.flagged for p in self.places)

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.cell,
            "name": self.name,
            "flags": self.flags,
            "places": [p.to_json() for p in self.places],
        }


def _from_row(r: dict[str, Any], tickets: dict[str, int]) -> PlaceDay:
    return PlaceDay(
        site=r["site"],
        camera=r["camera"],
        zone=r["zone"],
        cell=r["cell"],
        day=date.fromisoformat(r["day"]),
        kind=r["kind"],
        verdict=r["verdict"],
        window=r["window"],
        case_number=r["case_number"],
        observed_at=from_db_time(r["observed_at"]),
        reference_at=from_db_time(r["reference_at"]),
        change_id=r["change_id"],
        ticket_id=tickets.get(r["change_id"]) if r["change_id"] else None,
        missing_since=from_db_time(r["missing_since"]),
        evidence=tuple(json.loads(r["evidence"])),
        replay=bool(r["replay"]),
    )


def _pending(p: ExpectedPlace, day: date) -> PlaceDay:
    return PlaceDay(
        p.site, p.camera, p.zone, p.cell, day, p.kind, "pending", p.window, p.case_number
    )


def _rows(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[PlaceDay]:
    rows = [dict(r) for r in db.query(f"SELECT * FROM patrol_days WHERE {where}", params)]
    tickets = tickets_of_incidents(db, {r["change_id"] for r in rows if r["change_id"]})
    return [_from_row(r, tickets) for r in rows]


def _end_of(day: date, center: CenterConfig) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=center.calendar.tz())


def _expected_on(db: sqlite_utils.Database, center: CenterConfig, day: date) -> list[ExpectedPlace]:
    """Places expected on ``day``: heard of by its end, and within ``known_for_days`` of it."""
    end = _end_of(day, center)
    return [p for p in expected_places(db, center, end) if p.first_seen_at < end]


def day_patrol(
    db: sqlite_utils.Database,
    center: CenterConfig,
    day: date,
    cells: set[str] | None = None,
) -> list[CellPatrol]:
    """Every cell with a watched place on ``day`` (only ``cells`` when given), in cell order."""
    found = {(p.site, p.camera, p.zone): p for p in _rows(db, "day = ?", [day.isoformat()])}
    for p in _expected_on(db, center, day):
        found.setdefault((p.site, p.camera, p.zone), _pending(p, day))
    by_cell: dict[str, list[PlaceDay]] = {}
    for key in sorted(found):
        place = found[key]
        if cells is None or place.cell in cells:
            by_cell.setdefault(place.cell, []).append(place)
    return [
        CellPatrol(cell, center.cells[cell].name if cell in center.cells else None, places)
        for cell, places in sorted(by_cell.items())
    ]


def place_period(
    db: sqlite_utils.Database,
    center: CenterConfig,
    place: tuple[str, str, str],
    first: date,
    last: date,
) -> list[PlaceDay]:
    """The days ``first``..``last`` of one place, from the day it was first heard of
    (``pending`` where none is recorded yet); empty for a place the center never heard of."""
    known = known_place(db, center, place)
    if known is None:
        return []
    first = max(first, known.first_seen_at.astimezone(center.calendar.tz()).date())
    site, camera, zone = place
    rows = _rows(
        db,
        "site = ? AND camera = ? AND zone = ? AND day BETWEEN ? AND ? ORDER BY day",
        [site, camera, zone, first.isoformat(), last.isoformat()],
    )
    recorded = {p.day: p for p in rows}
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [recorded.get(d) or _pending(known, d) for d in days]


def evidence_cell(db: sqlite_utils.Database, name: str) -> str | None:
    """The cell of the patrol record holding the evidence file ``name`` (None: no record does)."""
    row = db.execute(
        "SELECT d.cell FROM patrol_days d, json_each(d.evidence) e"
        " WHERE json_extract(e.value, '$.name') = ? LIMIT 1",
        [name],
    ).fetchone()
    return None if row is None else str(row[0])
