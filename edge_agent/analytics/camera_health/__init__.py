"""Camera health: a view covered, moved or out of focus raises ``tamper``, on any camera.

Turned on per camera (``cameras[].health: {}``); construction-watch zones keep checking their own
view as well, because a tampered view must suspend their search for structures.
"""

from edge_agent.analytics.camera_health.runner import ANALYTIC, HEALTH_ZONE, CameraHealthRunner

__all__ = ["ANALYTIC", "HEALTH_ZONE", "CameraHealthRunner"]
