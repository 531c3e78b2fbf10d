"""Pydantic models of the center's YAML files: one small model per concern, unknown keys refused.

Files (see ``configs/grid/``): ``units.yaml``, ``categories.yaml``, ``routing.yaml``,
``calendar.yaml``, ``policy.yaml`` (escalation and the unit score), ``cameras.yaml``; the grid map
itself is GeoJSON (:mod:`collector.grid`). :class:`CenterConfig` holds them all and checks the
references between them (:mod:`collector.config.references`: a routing rule naming an unknown
unit is an error).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from collector.config.calendar import CalendarConfig, ClockKind
from collector.config.devices import DeviceHealth
from collector.config.patrol import PatrolPolicy
from collector.worktime import Clock
from edge_agent.contract.incident import EMITTED_LEVELS, Level

__all__ = [
    "Strict",
    "UnitKind",
    "Role",
    "Member",
    "Unit",
    "Mode",
    "ClockKind",
    "Limit",
    "Category",
    "RoutingRule",
    "CalendarConfig",
    "Escalation",
    "Scoring",
    "DeviceHealth",
    "PatrolPolicy",
    "Policy",
    "CameraZone",
    "Camera",
    "CellInfo",
    "CenterConfig",
]

Identifier = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description="letters, digits, _ . -")
]
CategoryCode = Annotated[str, Field(pattern=r"^\d{4}$", description="4-digit category code")]
AreaCode = Annotated[
    str,
    Field(
        pattern=r"^(\d{6}|\d{9}|\d{12}|\d{15})$",
        description="county (6), town (9), community (12) or cell (15) code prefix",
    ),
]


class Strict(BaseModel):
    """Base of every config model: unknown keys are an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitKind(StrEnum):
    CENTER = "center"
    DEPARTMENT = "department"
    SQUAD = "squad"
    LINKAGE_STATION = "linkage_station"


class Role(StrEnum):
    DUTY_CHIEF = "duty_chief"
    DISPATCHER = "dispatcher"
    UNIT_HANDLER = "unit_handler"
    INSPECTOR = "inspector"
    LEADER = "leader"  # the center's leadership: reads and statistics, no workflow step
    ADMIN = "admin"  # accounts, units, API keys; no workflow step
    SYSTEM = "system"


class Member(Strict):
    id: Identifier = Field(..., description="Person id, used as the actor in the audit trail.")
    name: str = Field(..., min_length=1, description="Display name.")
    role: Role = Field(..., description="What the person may do.")


class Unit(Strict):
    id: Identifier = Field(..., description="Unit id used in routing and dispatch.")
    name: str = Field(..., min_length=1, description="Display name.")
    kind: UnitKind = Field(..., description="center, department, squad or linkage_station.")
    members: list[Member] = Field(default_factory=list, description="People and their roles.")


class Mode(StrEnum):
    """Dispatch modes of the domain brief."""

    DIRECT = "direct"
    ASSIGN = "assign"
    SUPERVISE = "supervise"


class Limit(Strict):
    """A time limit in working hours and/or working days (a day = the calendar's daily hours)."""

    hours: float = Field(0, ge=0, description="Working hours.")
    days: float = Field(0, ge=0, description="Working days.")

    @model_validator(mode="after")
    def _positive(self) -> Limit:
        if self.hours + self.days <= 0:
            raise ValueError("a time limit needs hours or days > 0")
        return self

    def seconds(self, clock: Clock) -> float:
        return self.hours * 3600 + self.days * clock.day_seconds


class Category(Strict):
    code: CategoryCode = Field(..., description="National (e.g. 0101) or local extension code.")
    name: str = Field(..., min_length=1, description="Display name.")
    incident_kinds: list[str] = Field(
        default_factory=list, description="Incident kinds filed under this category."
    )
    default_units: list[Identifier] = Field(..., min_length=1, description="Units if no rule.")
    default_mode: Mode = Field(Mode.ASSIGN, description="Mode proposed to the duty chief.")
    time_limit: Limit = Field(..., description="Time to finish after dispatch.")
    urgent_limit: Limit = Field(..., description="Time to finish an urgent ticket.")
    clock: ClockKind = Field(ClockKind.WORKING, description="working or continuous time.")
    urgent_from_level: Level = Field(
        Level.CRITICAL, description="Incident level that makes it urgent."
    )
    correlation_window_min: float = Field(
        60, gt=0, description="An incident joins an open ticket last seen within this many minutes."
    )
    critical_units: list[Identifier] = Field(
        default_factory=list,
        description="Units a critical incident is dispatched to at once, in supervise mode.",
    )

    @field_validator("urgent_from_level", mode="before")
    @classmethod
    def _emitted_level(cls, value: object) -> object:
        if value not in [lv.value for lv in EMITTED_LEVELS]:
            raise ValueError(f"urgent_from_level must be one of {', '.join(EMITTED_LEVELS)}")
        return value


class RoutingRule(Strict):
    area: AreaCode = Field(..., description="Cell code or code prefix the rule applies to.")
    categories: list[CategoryCode] = Field(..., min_length=1, description="Category codes.")
    units: list[Identifier] = Field(..., min_length=1, description="Units to dispatch to.")


class Escalation(Strict):
    yellow_at: float = Field(
        0.8, gt=0, lt=1, description="Share of the time used that turns yellow."
    )
    discipline_overdue_hours: float = Field(
        8, ge=0, description="Overdue by this many clock hours: notify the discipline office."
    )
    discipline_office: str = Field("discipline-office", description="Recipient of notices.")


class Scoring(Strict):
    """Points of the 100-point unit score (see :mod:`collector.stats.score`)."""

    on_time_closure: float = Field(50, ge=0, description="Times the on-time closure rate.")
    closure: float = Field(20, ge=0, description="Times the standard closure rate.")
    urgent: float = Field(10, ge=0, description="Times the on-time rate of urgent tickets.")
    first_pass: float = Field(10, ge=0, description="Times the share passing verification first.")
    no_return: float = Field(10, ge=0, description="Times the share accepted without a return.")
    rework_penalty: float = Field(2, ge=0, description="Deducted per failed verification.")
    return_without_reason_penalty: float = Field(5, ge=0, description="Per reasonless return.")
    falsified_penalty: float = Field(10, ge=0, description="Per falsified result.")

    @model_validator(mode="after")
    def _hundred(self) -> Scoring:
        total = self.on_time_closure + self.closure + self.urgent + self.first_pass + self.no_return
        if abs(total - 100) > 1e-9:
            raise ValueError(f"the earning points must add up to 100; they add up to {total:g}")
        return self


class Policy(Strict):
    escalation: Escalation = Field(default_factory=Escalation, description="Scheduler settings.")
    scoring: Scoring = Field(default_factory=Scoring, description="Unit score scheme.")
    devices: DeviceHealth = Field(
        default_factory=DeviceHealth, description="Device health: when faults become tickets."
    )
    patrol: PatrolPolicy = Field(
        default_factory=PatrolPolicy,
        description="Daily patrol: missing checks, the stop-work category.",
    )


class CameraZone(Strict):
    id: Identifier = Field(..., description="Zone id as in the edge agent's config.")
    cell: Annotated[str, Field(pattern=r"^\d{15}$")] = Field(..., description="Grid cell code.")
    kind: str | None = Field(None, description="Zone kind (crowd, construction_watch...).")


class Camera(Strict):
    id: Identifier = Field(..., description="Camera id as in the edge agent's config.")
    site: Identifier = Field(..., description="Site id.")
    box: Identifier = Field(..., description="Edge box id.")
    location: tuple[float, float] = Field(..., description="Longitude, latitude (WGS 84).")
    zones: list[CameraZone] = Field(..., min_length=1, description="Zones and their cells.")


class CellInfo(Strict):
    """The properties of one grid cell (the polygon stays in the GeoJSON)."""

    name: str = Field(..., min_length=1, description="Display name.")
    station: Identifier = Field(..., description="Linkage station (a unit) covering the cell.")
    level: str = Field(..., pattern="^[ABC]$", description="Management level: A key, B, C.")
    units: dict[CategoryCode, list[Identifier]] = Field(
        default_factory=dict, description="Responsible units by category code."
    )


class CenterConfig(Strict):
    """Everything the ticket code needs besides the grid polygons."""

    units: list[Unit] = Field(..., min_length=1, description="Units of the center.")
    categories: list[Category] = Field(..., min_length=1, description="Ticket categories.")
    routing: list[RoutingRule] = Field(default_factory=list, description="Routing rules.")
    calendar: CalendarConfig = Field(..., description="Working calendar.")
    policy: Policy = Field(default_factory=Policy, description="Escalation and scoring.")
    cameras: list[Camera] = Field(default_factory=list, description="Camera registry.")
    cells: dict[str, CellInfo] = Field(
        default_factory=dict, description="Grid cells by code (from the grid map)."
    )

    def category(self, code: str) -> Category:
        for cat in self.categories:
            if cat.code == code:
                return cat
        raise KeyError(code)

    def category_for_kind(self, kind: str) -> Category | None:
        return next((c for c in self.categories if kind in c.incident_kinds), None)

    def member(self, person: str) -> tuple[Unit, Member] | None:
        """The unit and membership of a person id, or None if not configured."""
        for unit in self.units:
            for m in unit.members:
                if m.id == person:
                    return unit, m
        return None

    def unit_ids(self) -> set[str]:
        return {u.id for u in self.units}
