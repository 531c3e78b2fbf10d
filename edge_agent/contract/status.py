"""The words of the status and metrics messages (status-1, metrics-1): one enum each.

Both sides use these: the agent to say how its box and cameras are, the collector to read it.
A test checks each enum against the schema's.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["BoxState", "WireCameraState"]


class BoxState(StrEnum):
    """The box as a whole (status-1 ``state``); ``offline`` is the broker's last will."""

    ONLINE = "online"
    OFFLINE = "offline"
    STOPPED = "stopped"


class WireCameraState(StrEnum):
    """A camera as the messages report it (``cameras.<id>.state``).

    Coarser than the worker's own :class:`edge_agent.ingest.states.CameraState`, which the agent
    maps onto these words.
    """

    STARTING = "starting"
    RUNNING = "running"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"
    STOPPED = "stopped"
