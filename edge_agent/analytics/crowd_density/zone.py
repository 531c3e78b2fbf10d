"""One crowd zone: membership, metrics, smoothing, the density alarm and the forecast alarm."""

from __future__ import annotations

from edge_agent.analytics.crowd_density.alarm import AlarmTiming, ZoneAlarm
from edge_agent.analytics.crowd_density.forecast import forecast_crossing
from edge_agent.analytics.crowd_density.levels import level_for, level_threshold, los_for_density
from edge_agent.analytics.crowd_density.smoothing import WindowSeries
from edge_agent.config.models import CrowdThresholds
from edge_agent.contract.incident import IncidentKind, Level
from edge_agent.detections import Detections
from edge_agent.incidents.event import ZoneEvent
from edge_agent.zones.geometry import PolygonZone
from edge_agent.zones.metrics import ZoneMetrics

__all__ = ["ZoneMetrics", "ZoneEvent", "CrowdZone"]


def _timing(t: CrowdThresholds) -> AlarmTiming:
    return AlarmTiming(t.raise_after_s, t.clear_after_s, t.cooldown_s, t.update_interval_s)


class CrowdZone:
    """Example:
    >>> import numpy as np
    >>> z = CrowdZone("lane", PolygonZone.from_points([(0, 0), (100, 0), (100, 100), (0, 100)]),
    ...               area_m2=10.0, thresholds=CrowdThresholds())
    >>> people = Detections(np.array([[10, 10, 20, 50], [200, 0, 210, 40]]), np.ones(2), np.zeros(2))
    >>> m, events = z.update(0.0, people)
    >>> m.count, m.density, m.los
    (1, 0.1, 'A')
    """

    def __init__(
        self,
        zone_id: str,
        polygon: PolygonZone,
        area_m2: float | None,
        thresholds: CrowdThresholds,
    ):
        self.zone_id = zone_id
        self.polygon = polygon
        self.area_m2 = area_m2
        self.by_density = area_m2 is not None
        self.thresholds = thresholds
        self.series = WindowSeries(thresholds.smoothing_window_s)
        self.trend = WindowSeries(thresholds.forecast_window_s)
        self.alarm = ZoneAlarm(_timing(thresholds))
        self.forecast_alarm = ZoneAlarm(_timing(thresholds))

    def set_thresholds(self, thresholds: CrowdThresholds) -> None:
        """Apply new thresholds live; open incidents and collected samples are kept."""
        self.thresholds = thresholds
        self.series.window_s = thresholds.smoothing_window_s
        self.trend.window_s = thresholds.forecast_window_s
        self.alarm.timing = _timing(thresholds)
        self.forecast_alarm.timing = _timing(thresholds)

    def count_in(self, people: Detections) -> int:
        if len(people) == 0:
            return 0
        return int(self.polygon.contains(people.bottom_centers()).sum())

    def update(self, t: float, people: Detections) -> tuple[ZoneMetrics, list[ZoneEvent]]:
        th = self.thresholds
        count = self.count_in(people)
        density = count / self.area_m2 if self.area_m2 else None
        value = density if density is not None else float(count)
        self.series.add(t, value)
        smoothed = self.series.mean()
        self.trend.add(t, smoothed)
        level = level_for(smoothed, th, self.by_density)
        clear_level = level_for(smoothed, th, self.by_density, scale=1 - th.clear_margin)
        warning = level_threshold(th, Level.WARNING, self.by_density)
        fc = forecast_crossing(self.trend, warning, th.forecast_min_points, current=smoothed)
        coming = (
            fc is not None
            and fc.cross_in_s is not None
            and 0 < fc.cross_in_s <= th.forecast_horizon_s
            and self.alarm.level.rank < Level.WARNING.rank
        )
        fc_level = Level.WARNING if coming else Level.NORMAL
        density_event = self.alarm.step(t, level, clear_level)
        forecast_event = self.forecast_alarm.step(t, fc_level, fc_level)
        metrics = ZoneMetrics(
            zone_id=self.zone_id,
            count=count,
            density=density,
            los=los_for_density(density) if density is not None else None,
            level=self.alarm.level,
            smoothed=smoothed,
            trend_per_min=fc.trend_per_min if fc else None,
            forecast_cross_s=fc.cross_in_s if coming and fc else None,
        )
        events = []
        if density_event is not None:
            events.append(
                ZoneEvent(IncidentKind.CROWD_DENSITY, density_event, metrics.to_contract())
            )
        if forecast_event is not None:
            events.append(
                ZoneEvent(IncidentKind.CROWD_FORECAST, forecast_event, metrics.to_contract())
            )
        return metrics, events
