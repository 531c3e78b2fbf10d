"""Crowd density levels and timing, and a zone's overrides of them."""

from __future__ import annotations

from pydantic import Field, model_validator

from edge_agent.config.strict import Strict

__all__ = ["CrowdThresholds", "CrowdThresholdOverrides"]


class CrowdThresholds(Strict):
    """Crowd levels and timing. Densities in persons/m² (Fruin/HCM walkway LOS)."""

    advisory_density: float = Field(1.08, gt=0, description="LOS E starts above this.")
    warning_density: float = Field(2.17, gt=0, description="LOS F starts above this.")
    critical_density: float = Field(4.0, gt=0, description="Critical at and above this.")
    advisory_count: int = Field(15, ge=1, description="Count level for zones without an area.")
    warning_count: int = Field(30, ge=1, description="Count level for zones without an area.")
    critical_count: int = Field(60, ge=1, description="Count level for zones without an area.")
    smoothing_window_s: float = Field(10.0, ge=0, description="Stream-time smoothing window.")
    raise_after_s: float = Field(10.0, ge=0, description="A level must hold this long to raise.")
    clear_after_s: float = Field(30.0, ge=0, description="Below the clear margin this long: clear.")
    clear_margin: float = Field(0.1, ge=0, lt=1, description="Fraction below a level to clear it.")
    cooldown_s: float = Field(60.0, ge=0, description="After a clear, no re-open for this long.")
    update_interval_s: float = Field(30.0, ge=0, description="Throttle of 'updated' events.")
    forecast_window_s: float = Field(120.0, gt=0, description="Trend fitted over this window.")
    forecast_horizon_s: float = Field(600.0, gt=0, description="Warn if crossing within this.")
    forecast_min_points: int = Field(5, ge=2, description="Points needed to fit a trend.")

    @model_validator(mode="after")
    def _ordered(self) -> CrowdThresholds:
        if not self.advisory_density < self.warning_density < self.critical_density:
            raise ValueError("need advisory_density < warning_density < critical_density")
        if not self.advisory_count < self.warning_count < self.critical_count:
            raise ValueError("need advisory_count < warning_count < critical_count")
        return self


class CrowdThresholdOverrides(Strict):
    """Per-zone overrides; a missing key takes the default."""

    advisory_density: float | None = Field(None, gt=0)
    warning_density: float | None = Field(None, gt=0)
    critical_density: float | None = Field(None, gt=0)
    advisory_count: int | None = Field(None, ge=1)
    warning_count: int | None = Field(None, ge=1)
    critical_count: int | None = Field(None, ge=1)
    smoothing_window_s: float | None = Field(None, ge=0)
    raise_after_s: float | None = Field(None, ge=0)
    clear_after_s: float | None = Field(None, ge=0)
    clear_margin: float | None = Field(None, ge=0, lt=1)
    cooldown_s: float | None = Field(None, ge=0)
    update_interval_s: float | None = Field(None, ge=0)
    forecast_window_s: float | None = Field(None, gt=0)
    forecast_horizon_s: float | None = Field(None, gt=0)
    forecast_min_points: int | None = Field(None, ge=2)
