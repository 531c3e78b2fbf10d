"""A zone of a camera's view: its kind, polygon, grid cell, area, and per-zone overrides."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from edge_agent.config.construction import ConstructionSettings
from edge_agent.config.crowd import CrowdThresholdOverrides
from edge_agent.config.fields import GridCellCode, Identifier, Point
from edge_agent.config.patrol import WatchedPlaceConfig, ZonePatrol
from edge_agent.config.strict import Strict
from edge_agent.contract.patrol import PlaceKind

__all__ = ["ZoneKind", "Calibration", "ZoneConfig"]


class ZoneKind(StrEnum):
    ALLEY = "alley"
    BRIDGE = "bridge"
    SQUARE = "square"
    CONSTRUCTION_WATCH = "construction_watch"


class Calibration(Strict):
    """Four image points and where they lie on the ground, in metres."""

    image_points: list[Point] = Field(..., min_length=4, max_length=4, description="Pixels.")
    ground_points_m: list[Point] = Field(..., min_length=4, max_length=4, description="Metres.")


class ZoneConfig(Strict):
    id: Identifier = Field(..., description="Zone id, unique within its camera.")
    kind: ZoneKind = Field(..., description="alley, bridge, square or construction_watch.")
    polygon: list[Point] = Field(..., min_length=3, description="Polygon in frame pixels.")
    grid_cell: GridCellCode = Field(..., description="Grid cell this zone lies in.")
    area_m2: float | None = Field(None, gt=0, description="Walkable area, if known.")
    calibration: Calibration | None = Field(None, description="Ground-plane calibration.")
    thresholds: CrowdThresholdOverrides = Field(
        default_factory=CrowdThresholdOverrides, description="Overrides of defaults.thresholds."
    )
    construction: ConstructionSettings | None = Field(
        None, description="Overrides for construction_watch zones."
    )
    watched_place: WatchedPlaceConfig | None = Field(
        None, description="A construction_watch zone patrolled daily by camera (config/patrol.py)."
    )
    patrol: ZonePatrol | None = Field(None, description="A watched place's own patrol window.")

    @model_validator(mode="after")
    def _zone_rules(self) -> ZoneConfig:
        if self.area_m2 is not None and self.calibration is not None:
            raise ValueError("give either area_m2 or calibration, not both")
        if self.watched_place is not None and self.kind is not ZoneKind.CONSTRUCTION_WATCH:
            raise ValueError(
                f"watched_place needs a construction_watch zone (its verdict compares the view "
                f"with the construction reference); this zone is {self.kind.value}"
            )
        if self.patrol is not None and self.watched_place is None:
            raise ValueError("patrol is the window of a watched place: set watched_place too")
        return self

    @property
    def stop_work(self) -> bool:
        """A stop-work household: watched with the higher construction sensitivity."""
        place = self.watched_place
        return place is not None and place.kind is PlaceKind.STOP_WORK_HOUSEHOLD
