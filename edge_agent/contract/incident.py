"""The incident event: what an edge agent observed, as it goes on the wire."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ulid import ULID

from edge_agent.contract import SCHEMA_VERSION, validate_incident
from edge_agent.contract.patrol import PATROL_SCHEMA_VERSION, PatrolCheck, WatchedPlace

REPLAY_SCHEMA_VERSION = "1.1"
"""Minor 1 of the incident schema adds the optional ``replay`` flag."""

__all__ = [
    "IncidentKind",
    "Level",
    "EMITTED_LEVELS",
    "EventState",
    "Evidence",
    "Incident",
    "new_id",
    "iso",
]


class IncidentKind(StrEnum):
    CROWD_DENSITY = "crowd_density"
    CROWD_FORECAST = "crowd_forecast"
    CONSTRUCTION_CHANGE = "construction_change"
    TAMPER = "tamper"
    PATROL_CHECK = "patrol_check"
    """The day's patrol of a watched place (schema 1.2): carries ``patrol`` and ``watched_place``."""


class Level(StrEnum):
    """Ordered alarm levels; NORMAL never leaves the box. ``rank`` orders them (NORMAL = 0).

    Example:
        >>> Level.WARNING.rank, Level.CRITICAL.rank > Level.ADVISORY.rank
        (3, True)
    """

    NORMAL = "normal"
    INFO = "info"
    ADVISORY = "advisory"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Level.NORMAL: 0, Level.INFO: 1, Level.ADVISORY: 2, Level.WARNING: 3, Level.CRITICAL: 4}

EMITTED_LEVELS = (Level.INFO, Level.ADVISORY, Level.WARNING, Level.CRITICAL)
"""The levels an incident may carry on the wire (the schema's ``level`` enum), lowest first."""


class EventState(StrEnum):
    OPENED = "opened"
    UPDATED = "updated"
    CLEARED = "cleared"


def new_id() -> str:
    return str(ULID())


def iso(ts: datetime) -> str:
    """ISO 8601 with the zone, as the contract wants."""
    if ts.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return ts.isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Evidence:
    """A file (JPEG/PNG) written beside the incident; ``name`` is relative to the evidence dir."""

    role: str
    name: str
    sha256: str
    bytes: int
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class Incident:
    """One incident event. ``id`` is stable across an incident's events; ``event_id`` is not.

    Example:
        >>> from datetime import datetime, timezone
        >>> t = datetime(2015, 5, 1, 10, 0, tzinfo=timezone.utc)
        >>> inc = Incident(id=new_id(), seq=0, site="xitang", box="b1", camera="c1", zone="z1",
        ...     grid_cell="330421101001001", kind=IncidentKind.CROWD_DENSITY, level=Level.WARNING,
        ...     state=EventState.OPENED, started_at=t, observed_at=t, metrics={"count": 40})
        >>> inc.to_payload()["kind"]
        'crowd_density'
    """

    id: str
    seq: int
    site: str
    box: str
    camera: str
    zone: str
    grid_cell: str
    kind: IncidentKind
    level: Level
    state: EventState
    started_at: datetime
    observed_at: datetime
    metrics: dict[str, Any]
    evidence: tuple[Evidence, ...] = ()
    stream_pts: float | None = None
    event_id: str = field(default_factory=new_id)
    replay: bool = False
    """Published by ``edge-agent replay`` from a recording (schema 1.1): filed apart by the center."""
    watched_place: WatchedPlace | None = None
    """The zone is a watched place of the daily patrol (schema 1.2)."""
    patrol: PatrolCheck | None = None
    """The day's patrol; present exactly when ``kind`` is ``patrol_check`` (schema 1.2)."""

    def __post_init__(self) -> None:
        if (self.patrol is not None) != (self.kind is IncidentKind.PATROL_CHECK):
            raise ValueError("a patrol_check incident, and only it, carries a patrol")
        if self.patrol is not None and self.watched_place is None:
            raise ValueError("a patrol_check names its watched_place")
        if self.level is Level.NORMAL:
            raise ValueError("an incident cannot be at level 'normal'")
        if self.seq < 0:
            raise ValueError(f"seq must be >= 0; got {self.seq}")
        if self.observed_at < self.started_at:
            raise ValueError("observed_at is before started_at")

    def to_payload(self, validate: bool = True) -> dict[str, Any]:
        """The JSON-ready dict of the contract (schema ``incident-1``)."""
        payload: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "event_id": self.event_id,
            "id": self.id,
            "seq": self.seq,
            "site": self.site,
            "box": self.box,
            "camera": self.camera,
            "zone": self.zone,
            "grid_cell": self.grid_cell,
            "kind": self.kind.value,
            "level": self.level.value,
            "state": self.state.value,
            "started_at": iso(self.started_at),
            "observed_at": iso(self.observed_at),
            "metrics": dict(self.metrics),
            "evidence": [asdict(e) for e in self.evidence],
        }
        if self.stream_pts is not None:
            payload["stream_pts"] = round(float(self.stream_pts), 3)
        if self.replay:  # minor 1 adds the flag: a 1.0 collector ignores it, never refuses it
            payload["schema_version"] = REPLAY_SCHEMA_VERSION
            payload["replay"] = True
        if self.watched_place is not None:  # minor 2; it includes minor 1's replay flag
            payload["schema_version"] = PATROL_SCHEMA_VERSION
            payload["watched_place"] = self.watched_place.to_payload()
        if self.patrol is not None:
            payload["patrol"] = self.patrol.to_payload()
        if validate:
            validate_incident(payload)
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any], validate: bool = True) -> Incident:
        """The typed value of a contract payload.

        ``validate=False`` skips the schema for a payload already checked by the receiver (which
        accepts newer minor versions leniently): properties this version does not know are
        ignored. A missing or malformed field still raises (``KeyError``, ``TypeError`` or
        ``ValueError``).
        """
        if validate:
            validate_incident(payload)
        return cls(
            id=payload["id"],
            seq=payload["seq"],
            site=payload["site"],
            box=payload["box"],
            camera=payload["camera"],
            zone=payload["zone"],
            grid_cell=payload["grid_cell"],
            kind=IncidentKind(payload["kind"]),
            level=Level(payload["level"]),
            state=EventState(payload["state"]),
            started_at=datetime.fromisoformat(payload["started_at"]),
            observed_at=datetime.fromisoformat(payload["observed_at"]),
            metrics=dict(payload["metrics"]),
            evidence=tuple(_evidence(e) for e in payload["evidence"]),
            stream_pts=payload.get("stream_pts"),
            event_id=payload["event_id"],
            replay=bool(payload.get("replay", False)),
            watched_place=_optional(WatchedPlace.from_payload, payload.get("watched_place")),
            patrol=_optional(PatrolCheck.from_payload, payload.get("patrol")),
        )


def _optional(parse: Any, item: dict[str, Any] | None) -> Any:
    return None if item is None else parse(item)


def _evidence(item: dict[str, Any]) -> Evidence:
    return Evidence(
        role=item["role"],
        name=item["name"],
        sha256=item["sha256"],
        bytes=item["bytes"],
        content_type=item.get("content_type", "image/jpeg"),
    )
