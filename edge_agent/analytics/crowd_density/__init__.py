"""Crowd density: people per m² (or a head count) per zone, alarms with hysteresis, a forecast.

The counting, smoothing, levels and alarms live in :mod:`edge_agent.crowd`; this is the plug-in.
"""

from edge_agent.analytics.crowd_density.runner import ANALYTIC, CrowdRunner

__all__ = ["ANALYTIC", "CrowdRunner"]
