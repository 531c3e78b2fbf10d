"""Camera health: a view black, blank, frozen, covered, defocused or moved raises ``tamper``, on
every camera (``cameras[].health: {enabled: false}`` turns it off), with the check that fired in
``metrics.check`` and the healthy view and the bad one as evidence.

Construction-watch zones run the same checks on their own backgrounds, because a tampered view
must suspend their search for structures.
"""

from edge_agent.analytics.camera_health.runner import ANALYTIC, HEALTH_ZONE, CameraHealthRunner

__all__ = ["ANALYTIC", "HEALTH_ZONE", "CameraHealthRunner"]
