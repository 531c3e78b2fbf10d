"""Real contract messages of the daily patrol: patrol checks and construction changes of watched
places built with the contract's dataclasses, their evidence frames (aerial before/after pictures
of ../shared/data/change/levir), and the way into a store through the ingest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from collector.ingest.filing import default_filer, file_pending
from collector.ingest.store import BatchResult, store_batch
from collector.ingest.validate import Limits
from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, Level, new_id
from edge_agent.contract.patrol import PatrolCheck, PlaceKind, Verdict, WatchedPlace
from edge_agent.contract.topics import evidence_topic, incident_topic
from tests.collector.builders import TZ
from tests.conftest import SHARED_DATA

LEVIR = SHARED_DATA / "change" / "levir"
PAIR = "test_2_0000_0512.png"
Message = tuple[str, bytes]


@dataclass(frozen=True)
class Place:
    camera: str
    zone: str
    cell: str
    place: WatchedPlace
    site: str = "xitang"
    box: str = "box-01"


HOTSPOT = Place(
    "build-01",
    "courtyard",
    "330421101002005",
    WatchedPlace(PlaceKind.CONSTRUCTION_HOTSPOT),
)
HOUSEHOLD = Place(
    "build-02",
    "house-7",
    "330421101003002",
    WatchedPlace(PlaceKind.STOP_WORK_HOUSEHOLD, "西塘违建〔2026〕12号"),
)


def frame(which: str) -> bytes:
    """A real aerial picture: ``A`` the reference (before), ``B`` the day's (after)."""
    return (LEVIR / which / PAIR).read_bytes()


def _evidence(event_id: str, role: str, data: bytes) -> Evidence:
    name = f"{event_id}-{role}.png"
    return Evidence(role, name, hashlib.sha256(data).hexdigest(), len(data), "image/png")


@dataclass(frozen=True)
class Sent:
    """An incident as the box emits it, with its evidence files (name -> bytes)."""

    incident: Incident
    files: dict[str, bytes]

    def messages(self) -> list[Message]:
        """What the box publishes: the incident, then each evidence file."""
        inc = self.incident
        payload = json.dumps(inc.to_payload(), ensure_ascii=False).encode()
        files = [
            (evidence_topic(inc.site, inc.box, inc.camera, inc.event_id, name), data)
            for name, data in self.files.items()
        ]
        return [(incident_topic(inc.site, inc.box, inc.camera), payload), *files]


def sent(
    p: Place,
    kind: IncidentKind,
    at: datetime,
    check: PatrolCheck | None,
    frames: dict[str, bytes],
    replay: bool = False,
) -> Sent:
    event_id = new_id()
    evidence = [_evidence(event_id, role, data) for role, data in frames.items()]
    inc = Incident(
        id=new_id(),
        seq=0,
        site=p.site,
        box=p.box,
        camera=p.camera,
        zone=p.zone,
        grid_cell=p.cell,
        kind=kind,
        level=Level.INFO if check is not None else Level.WARNING,
        state=EventState.OPENED,
        started_at=at,
        observed_at=at,
        metrics={"area_px": 1800, "bbox": [40.0, 60.0, 120.0, 140.0]} if check is None else {},
        evidence=tuple(evidence),
        event_id=event_id,
        watched_place=p.place,
        patrol=check,
        replay=replay,
    )
    return Sent(inc, {e.name: data for e, data in zip(evidence, frames.values(), strict=True)})


def patrol_sent(
    p: Place,
    day: date,
    verdict: Verdict,
    *,
    change_id: str | None = None,
    window: str = "09:00-11:00",
    hour: int = 10,
    replay: bool = False,
) -> Sent:
    """The day's ``patrol_check`` of ``p`` (with its frames, none when the camera is down)."""
    at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
    check = PatrolCheck(
        day, window, verdict, change_id=change_id, reference_at=at - timedelta(days=30)
    )
    frames = {} if verdict is Verdict.CAMERA_DOWN else {"after": frame("B"), "before": frame("A")}
    return sent(p, IncidentKind.PATROL_CHECK, at, check, frames, replay)


def patrol_check(p: Place, day: date, verdict: Verdict, **kw: Any) -> list[Message]:
    return patrol_sent(p, day, verdict, **kw).messages()


def change_sent(p: Place, at: datetime) -> Sent:
    return sent(p, IncidentKind.CONSTRUCTION_CHANGE, at, None, {"after": frame("B")})


def construction_change(p: Place, at: datetime) -> list[Message]:
    return change_sent(p, at).messages()


def incident_id(messages: list[Message]) -> str:
    return str(json.loads(messages[0][1])["id"])


def ingest(db: sqlite_utils.Database, messages: list[Message], at: datetime) -> BatchResult:
    """Store a batch as the live ingest does, then file it (tickets, patrol)."""
    result = store_batch(db, messages, Limits(require_signatures=False), at.isoformat())
    file_pending(db, default_filer())
    return result
