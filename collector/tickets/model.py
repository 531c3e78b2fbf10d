"""The ticket as it flows through the code: a frozen dataclass read from (and written to) a row.

Each value checks itself when built (as ``Frame``, ``Detections`` and ``Incident`` do), so a row
that does not make a ticket fails where it is read, not three modules later.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from collector.config.models import Mode
from collector.tickets.workflow import State
from edge_agent.contract.incident import Level

__all__ = ["Ticket", "AuditRow", "TimelineEvent", "to_db_time", "from_db_time"]


def to_db_time(ts: datetime | None) -> str | None:
    """UTC ISO 8601 with milliseconds, so text order is time order."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        raise ValueError(f"datetime {ts.isoformat()} has no time zone")
    return ts.astimezone(UTC).isoformat(timespec="milliseconds")


def from_db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


_TIME_FIELDS = [
    "received_at",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "reported_at",
    "verified_at",
    "closed_at",
    "voided_at",
    "returned_at",
    "clock_start",
    "suspended_at",
    "due_at",
    "first_observed_at",
    "last_observed_at",
    "cleared_at",
    "updated_at",
]


@dataclass(frozen=True)
class Ticket:
    """One enforcement case. Times are aware datetimes (UTC); ``units`` are the active units."""

    id: int
    state: State
    category: str
    title: str
    source: str
    grid_cell: str
    received_at: datetime
    updated_at: datetime
    site: str | None = None
    box: str | None = None
    camera: str | None = None
    zone: str | None = None
    level: Level | None = None
    priority: int = 1
    urgent: bool = False
    supervised: bool = False
    mode: Mode | None = None
    registered_at: datetime | None = None
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    reported_at: datetime | None = None
    verified_at: datetime | None = None
    closed_at: datetime | None = None
    voided_at: datetime | None = None
    returned_at: datetime | None = None
    duplicate_of: int | None = None
    clock: str | None = None
    clock_start: datetime | None = None
    budget_s: float | None = None
    paused_s: float = 0.0
    suspended_at: datetime | None = None
    due_at: datetime | None = None
    extension_request_s: float | None = None
    returns: int = 0
    returns_no_reason: int = 0
    reworks: int = 0
    extensions: int = 0
    falsified: int = 0
    result_note: str | None = None
    result_photo: str | None = None
    first_observed_at: datetime | None = None
    last_observed_at: datetime | None = None
    cleared_at: datetime | None = None
    case_number: str | None = None
    """The earlier case this one follows up (a stop-work order breached), if any."""
    units: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_enum("state", self.state, State)
        _check_enum("level", self.level, Level, optional=True)
        _check_enum("mode", self.mode, Mode, optional=True)
        if self.level is Level.NORMAL:
            raise ValueError(f"ticket {self.id}: level 'normal' never leaves the box")
        if self.priority < 1:
            raise ValueError(f"ticket {self.id}: priority must be >= 1; got {self.priority}")
        counters = ("returns", "returns_no_reason", "reworks", "extensions", "falsified")
        negative = [f"{n} = {getattr(self, n)}" for n in counters if getattr(self, n) < 0]
        if self.paused_s < 0:
            negative.append(f"paused_s = {self.paused_s}")
        if negative:
            raise ValueError(f"ticket {self.id}: must be >= 0: {', '.join(negative)}")
        naive = [n for n in _TIME_FIELDS if _is_naive(getattr(self, n))]
        if naive:
            raise ValueError(f"ticket {self.id}: times without a zone: {', '.join(naive)}")

    @classmethod
    def from_row(cls, row: dict[str, Any], units: tuple[str, ...] = ()) -> Ticket:
        data = dict(row)
        for name in _TIME_FIELDS:
            data[name] = from_db_time(data.get(name))
        data["state"] = State(data["state"])
        data["level"] = Level(data["level"]) if data.get("level") else None
        data["mode"] = Mode(data["mode"]) if data.get("mode") else None
        data["urgent"] = bool(data["urgent"])
        data["supervised"] = bool(data["supervised"])
        return cls(**data, units=units)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (times as ISO strings)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value.value if isinstance(value, Enum) else value
        return out


def _check_enum(name: str, value: object, kind: type[Enum], optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, kind):
        raise ValueError(f"ticket {name} must be a {kind.__name__}; got {value!r}")


def _is_naive(ts: datetime | None) -> bool:
    return ts is not None and ts.tzinfo is None


@dataclass(frozen=True)
class AuditRow:
    """One append-only history row: a workflow step."""

    id: int
    ticket_id: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    role: str
    at: datetime
    note: str | None
    data: dict[str, Any]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditRow:
        data = dict(row)
        data["at"] = from_db_time(data["at"])
        data["data"] = json.loads(data["data"]) if data.get("data") else {}
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


@dataclass(frozen=True)
class TimelineEvent:
    """One incident event filed on a ticket."""

    event_id: str
    ticket_id: int
    incident_id: str
    seq: int
    kind: str
    level: str
    state: str
    observed_at: datetime
    metrics: dict[str, Any]
    evidence: list[dict[str, Any]]
    filed_at: datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> TimelineEvent:
        data = dict(row)
        data["observed_at"] = from_db_time(data["observed_at"])
        data["filed_at"] = from_db_time(data.get("filed_at"))
        data["metrics"] = json.loads(data["metrics"])
        data["evidence"] = json.loads(data["evidence"])
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["observed_at"] = self.observed_at.isoformat()
        out["filed_at"] = self.filed_at.isoformat() if self.filed_at else None
        return out
