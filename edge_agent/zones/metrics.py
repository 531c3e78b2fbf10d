"""What one analysed frame says about one zone: the value the pipeline reports per zone."""

from __future__ import annotations

import math
from dataclasses import dataclass

from edge_agent.contract.incident import Level

__all__ = ["ZoneMetrics", "LOS_LETTERS"]

#: Walkway level-of-service letters a zone's ``los`` may take.
LOS_LETTERS = frozenset("ABCDEF")


@dataclass(frozen=True)
class ZoneMetrics:
    """People in one zone on one analysed frame, and the zone's alarm level.

    Example:
        >>> ZoneMetrics("lane", 3, 0.3, "A", Level.NORMAL, 0.3).to_contract()
        {'count': 3, 'density': 0.3, 'los': 'A'}
        >>> ZoneMetrics("lane", -1, None, None, Level.NORMAL, 0.0)
        Traceback (most recent call last):
        ...
        ValueError: ZoneMetrics.count must be an int >= 0; got -1
    """

    zone_id: str
    count: int
    density: float | None  # persons/m²; None without an area
    los: str | None
    level: Level  # the alarm's current level, not the raw one
    smoothed: float  # smoothed density (or count without an area)
    trend_per_min: float | None = None
    forecast_cross_s: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValueError(f"ZoneMetrics.count must be an int >= 0; got {self.count!r}")
        if not isinstance(self.level, Level):
            raise ValueError(f"ZoneMetrics.level must be a Level; got {self.level!r}")
        if (self.density is None) != (self.los is None):
            raise ValueError("ZoneMetrics.density and .los come together (both or neither)")
        if self.los is not None and self.los not in LOS_LETTERS:
            raise ValueError(f"ZoneMetrics.los must be one of A-F; got {self.los!r}")
        for name in ("density", "smoothed", "forecast_cross_s"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise ValueError(f"ZoneMetrics.{name} must be finite and >= 0; got {value!r}")
        if self.trend_per_min is not None and not math.isfinite(self.trend_per_min):
            raise ValueError(f"ZoneMetrics.trend_per_min must be finite; got {self.trend_per_min}")

    def to_contract(self) -> dict[str, object]:
        """The ``metrics`` object of an incident (schema incident-1)."""
        out: dict[str, object] = {
            "count": self.count,
            "density": None if self.density is None else round(self.density, 4),
            "los": self.los,
        }
        if self.trend_per_min is not None:
            out["trend_per_min"] = round(self.trend_per_min, 4)
        if self.forecast_cross_s is not None:
            out["forecast_cross_s"] = round(self.forecast_cross_s, 1)
        return out

    def to_jsonl(self) -> dict[str, object]:
        """This zone in a ``{"kind": "frame"}`` line of ``edge-agent replay --jsonl``."""
        return {
            "count": self.count,
            "density": None if self.density is None else round(self.density, 4),
            "level": self.level.value,
        }
