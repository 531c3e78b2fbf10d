"""Early warning: will the density cross the warning level within the horizon, on the current trend?"""

from __future__ import annotations

from dataclasses import dataclass

from edge_agent.analytics.crowd_density.smoothing import WindowSeries

__all__ = ["Forecast", "forecast_crossing"]


@dataclass(frozen=True)
class Forecast:
    trend_per_min: float  # change of the value per minute of stream time
    cross_in_s: float | None  # seconds until the fitted line reaches the target; None if never


def forecast_crossing(
    series: WindowSeries, target: float, min_points: int, current: float | None = None
) -> Forecast | None:
    """Fit a line over the series' window and project when it reaches ``target``.

    The projection starts from ``current`` (the latest smoothed value) when given, not from the
    fitted line: after a peak the line over the window can still climb while the crowd has gone.

    Example:
        >>> s = WindowSeries(120)
        >>> for t in range(0, 61, 10):
        ...     s.add(t, 0.5 + 0.01 * t)    # +0.6 per minute, now at 1.1
        >>> f = forecast_crossing(s, target=2.17, min_points=5)
        >>> round(f.trend_per_min, 2), round(f.cross_in_s)
        (0.6, 107)
        >>> forecast_crossing(s, target=2.17, min_points=5, current=0.0).cross_in_s > 200
        True
    """
    if len(series) < min_points:
        return None
    fit = series.slope()
    if fit is None:
        return None
    slope, fitted = fit
    now_value = fitted if current is None else current
    if now_value >= target:
        return Forecast(slope * 60, 0.0)
    cross = (target - now_value) / slope if slope > 0 else None
    return Forecast(slope * 60, cross)
