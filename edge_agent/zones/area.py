"""A configured zone's ground area, from the config or its calibration."""

from __future__ import annotations

from edge_agent.config.models import ZoneConfig
from edge_agent.zones.geometry import GroundPlane

__all__ = ["zone_area_m2"]


def zone_area_m2(zone: ZoneConfig) -> float | None:
    """The zone's ground area: given, or from the calibration homography, or unknown."""
    if zone.area_m2 is not None:
        return zone.area_m2
    if zone.calibration is not None:
        ground = GroundPlane.from_points(
            zone.calibration.image_points, zone.calibration.ground_points_m
        )
        return ground.polygon_area_m2(zone.polygon)
    return None
