"""Zones: polygons in pixels, ground-plane calibration."""

from edge_agent.zones.geometry import GroundPlane, PolygonZone

__all__ = ["GroundPlane", "PolygonZone"]
