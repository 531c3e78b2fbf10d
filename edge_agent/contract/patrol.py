"""The daily patrol of watched places, as it goes on the wire (incident schema 1.2).

A zone can be a *watched place*: an illegal-construction hot spot, a control point, or a household
ordered to stop work (with the case number of that order). Every incident of such a zone carries a
:class:`WatchedPlace`; once a day, in a day-time window, the box sends a ``patrol_check`` incident
with a :class:`PatrolCheck`: the day's frame against the reference, and a verdict.

Example:
    >>> from datetime import date
    >>> check = PatrolCheck(day=date(2026, 2, 17), window="09:00-11:00", verdict=Verdict.UNCHANGED)
    >>> check.to_payload()
    {'day': '2026-02-17', 'window': '09:00-11:00', 'verdict': 'unchanged'}
    >>> WatchedPlace(PlaceKind.STOP_WORK_HOUSEHOLD, "西塘违建〔2026〕12号").to_payload()["kind"]
    'stop_work_household'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["PATROL_SCHEMA_VERSION", "PlaceKind", "Verdict", "WatchedPlace", "PatrolCheck"]

PATROL_SCHEMA_VERSION = "1.2"
"""Minor 2 of the incident schema adds ``watched_place``, ``patrol`` and the ``patrol_check`` kind."""

_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class PlaceKind(StrEnum):
    CONSTRUCTION_HOTSPOT = "construction_hotspot"
    CONTROL_POINT = "control_point"
    STOP_WORK_HOUSEHOLD = "stop_work_household"


class Verdict(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    CAMERA_DOWN = "camera_down"


@dataclass(frozen=True)
class WatchedPlace:
    """What kind of watched place a zone is; a stop-work household may name its case."""

    kind: PlaceKind
    case_number: str | None = None

    def __post_init__(self) -> None:
        if self.case_number is not None and not (0 < len(self.case_number) <= 64):
            raise ValueError(f"case_number must be 1-64 characters; got {self.case_number!r}")

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.case_number is not None:
            out["case_number"] = self.case_number
        return out

    @classmethod
    def from_payload(cls, item: dict[str, Any]) -> WatchedPlace:
        return cls(PlaceKind(item["kind"]), item.get("case_number"))


@dataclass(frozen=True)
class PatrolCheck:
    """One watched place's patrol of one day (box local date and window)."""

    day: date
    window: str
    verdict: Verdict
    change_id: str | None = None
    """The ``construction_change`` incident behind a ``changed`` verdict."""
    reference_at: datetime | None = None

    def __post_init__(self) -> None:
        if not _WINDOW.match(self.window):
            raise ValueError(f"window must read HH:MM-HH:MM; got {self.window!r}")
        if self.change_id is not None and self.verdict is not Verdict.CHANGED:
            raise ValueError("only a 'changed' verdict names a change_id")

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "day": self.day.isoformat(),
            "window": self.window,
            "verdict": self.verdict.value,
        }
        if self.change_id is not None:
            out["change_id"] = self.change_id
        if self.reference_at is not None:
            if self.reference_at.tzinfo is None:
                raise ValueError("reference_at must carry a time zone")
            out["reference_at"] = self.reference_at.isoformat(timespec="milliseconds")
        return out

    @classmethod
    def from_payload(cls, item: dict[str, Any]) -> PatrolCheck:
        ref = item.get("reference_at")
        return cls(
            day=date.fromisoformat(item["day"]),
            window=item["window"],
            verdict=Verdict(item["verdict"]),
            change_id=item.get("change_id"),
            reference_at=datetime.fromisoformat(ref) if ref else None,
        )
