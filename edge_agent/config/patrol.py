"""Config of the daily patrol: watched places, their day-time window, the box's time zone.

A ``construction_watch`` zone marked ``watched_place`` is patrolled once a day, in its window
(box local time, ``box.time_zone``), by camera: the agent sends a ``patrol_check`` incident
(docs/CONTRACT.md, "The daily patrol"). A stop-work household is also watched more keenly for new
construction (:class:`StopWorkSensitivity`). Kept apart from ``models.py``, which imports it.

Example:
    >>> ZonePatrol(window="08:30-10:00").window
    '08:30-10:00'
    >>> WatchedPlaceConfig(kind="stop_work_household", case_number="西塘违建〔2026〕12号").kind.value
    'stop_work_household'
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, model_validator

from edge_agent.config.strict import Strict
from edge_agent.contract.patrol import PlaceKind, WatchedPlace

__all__ = [
    "DEFAULT_TIME_ZONE",
    "TimeZoneName",
    "WindowText",
    "parse_window",
    "WatchedPlaceConfig",
    "StopWorkSensitivity",
    "PatrolDefaults",
    "ZonePatrol",
]

#: The box's time zone when the config names none: the towns this serves keep China Standard Time.
DEFAULT_TIME_ZONE = "Asia/Shanghai"

_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def parse_window(text: str) -> tuple[time, time]:
    """``"HH:MM-HH:MM"`` as its start and end; the window lies within one day.

    Example:
        >>> parse_window("09:00-11:00")
        (datetime.time(9, 0), datetime.time(11, 0))
    """
    m = _WINDOW.match(text)
    if m is None:
        raise ValueError(
            f"a window reads HH:MM-HH:MM (24 h, box local time), e.g. 09:00-11:00; got {text!r}"
        )
    start, end = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
    if start >= end:
        raise ValueError(
            f"the window must end after it starts, within one day; got {text!r} "
            "(a night patrol across midnight is two zones' windows, or none)"
        )
    return start, end


def _window(text: str) -> str:
    parse_window(text)
    return text


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai"
        ) from None
    return name


WindowText = Annotated[str, AfterValidator(_window)]
TimeZoneName = Annotated[str, AfterValidator(_time_zone)]


class WatchedPlaceConfig(Strict):
    """What kind of watched place a construction_watch zone is (sent on each of its incidents)."""

    kind: PlaceKind = Field(
        ..., description="construction_hotspot, control_point or stop_work_household."
    )
    case_number: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[^\x00-\x1f]+$",
        description="stop_work_household only: the enforcement case that ordered the stop.",
    )

    @model_validator(mode="after")
    def _case_of_a_household(self) -> WatchedPlaceConfig:
        if self.case_number is not None and self.kind is not PlaceKind.STOP_WORK_HOUSEHOLD:
            raise ValueError(
                f"case_number names the stop-work order of a household; a {self.kind.value} "
                "has none (kind: stop_work_household, or drop case_number)"
            )
        return self

    def to_contract(self) -> WatchedPlace:
        return WatchedPlace(self.kind, self.case_number)


class StopWorkSensitivity(Strict):
    """How much keener the construction watch of a stop-work household is than its zone's
    settings (defaults merged with the zone's own ``construction``): a household ordered to stop
    work is where a new shed or an added storey matters most, so smaller and younger changes
    count. Defaults: half the minimum area, at most 2 observations, half the persistence time —
    with ``observe_every_s`` 900 a structure opens after 15 minutes instead of 30."""

    area_factor: float = Field(
        0.5, gt=0, le=1, description="min_area_m2 and min_area_px are multiplied by this."
    )
    persist_observations: int = Field(
        2, ge=1, description="At most this many observations a change must persist."
    )
    persist_factor: float = Field(
        0.5, gt=0, le=1, description="persist_min_s is multiplied by this."
    )

    def sharpen(self, construction: dict[str, Any]) -> dict[str, Any]:
        """Merged construction settings (as a dict) made this much keener.

        Example:
            >>> StopWorkSensitivity().sharpen({"min_area_m2": 2.0, "min_area_px": 400,
            ...     "persist_observations": 3, "persist_min_s": 1800.0})
            {'min_area_m2': 1.0, 'min_area_px': 200, 'persist_observations': 2, 'persist_min_s': 900.0}
        """
        return construction | {
            "min_area_m2": construction["min_area_m2"] * self.area_factor,
            "min_area_px": max(1, round(construction["min_area_px"] * self.area_factor)),
            "persist_observations": min(
                construction["persist_observations"], self.persist_observations
            ),
            "persist_min_s": construction["persist_min_s"] * self.persist_factor,
        }


class PatrolDefaults(Strict):
    """The box's patrol defaults (``defaults.patrol``)."""

    window: WindowText = Field(
        "09:00-11:00",
        description="Day-time window HH:MM-HH:MM (box local time) of each watched place's patrol.",
    )
    stop_work: StopWorkSensitivity = Field(
        default_factory=StopWorkSensitivity,
        description="Higher construction sensitivity of stop-work households.",
    )


class ZonePatrol(Strict):
    """A watched place's own patrol keys (zone ``patrol``)."""

    window: WindowText | None = Field(
        None, description="This place's window (HH:MM-HH:MM); default defaults.patrol.window."
    )
