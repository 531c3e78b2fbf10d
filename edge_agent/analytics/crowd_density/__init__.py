"""Crowd density: people per m² (or a head count) per zone, alarms with hysteresis, a forecast.

Modules: ``levels`` (LOS and levels from thresholds), ``smoothing`` (stream-time windows),
``alarm`` (the alarm's transition table), ``forecast`` (trend to the warning level), ``zone``
(one zone: metrics and events), ``runner`` (the plug-in: every crowd zone of a camera).
"""

from edge_agent.analytics.crowd_density.runner import ANALYTIC, CROWD_KINDS, CrowdRunner

__all__ = ["ANALYTIC", "CROWD_KINDS", "CrowdRunner"]
