"""Analytics as plug-ins: each is a folder here and one row of :mod:`.registry`.

An analytic declares the zone kinds it serves, its settings model, what it needs of each frame
(the picture, which detections, a cadence in stream time) and the incident kinds it emits
(:class:`edge_agent.analytics.base.Analytic`). The camera pipeline builds a runner for each zone
or camera that asks for one and calls it on every analysed frame; it knows no analytic by name.

Rows today: ``crowd_density``, ``construction_watch``, ``camera_health``.
"""

from edge_agent.analytics.base import CAMERA_KEY, Analytic, Needs, Runner, Scope, Setup

__all__ = ["Analytic", "CAMERA_KEY", "Needs", "Runner", "Scope", "Setup"]
