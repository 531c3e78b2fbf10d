"""Which edge boxes and cameras are at fault now (pure): the rules are a table.

A box's retained status says ``online`` (with each camera's state), ``stopped`` (a clean exit) or
``offline`` (its last will: the broker lost it). Faults, each with the time it began:

============== ============================================== ===================================
kind           condition                                       since
============== ============================================== ===================================
box_offline    last will held ``box_offline_after_min``        the will's arrival
box_stopped    stopped and not back ``box_silent_after_min``   the stop
box_silent     online, but nothing heard ``box_silent_after_min`` the last status or metrics
camera_offline offline/reconnecting ``camera_offline_after_min`` the camera's change of state
============== ============================================== ===================================

A box that never reconnects therefore stays a fault (its ticket stays open until a person closes
it); a box whose will was lost with the broker's memory is still noticed as silent.

Example:
    >>> from datetime import datetime, UTC
    >>> from collector.config.models import DeviceHealth
    >>> t = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    >>> b = BoxSeen("xitang", "box-01", "offline", {}, t, None)
    >>> [f.kind for f in box_faults(b, t.replace(minute=5), DeviceHealth())]
    ['box_offline']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from collector.config.models import DeviceHealth

__all__ = ["BoxSeen", "CameraSeen", "Fault", "FAULT_TITLES", "box_faults", "camera_faults"]

CAMERA_DOWN = frozenset({"offline", "reconnecting"})

FAULT_TITLES = {
    "box_offline": "edge box {device} offline (last will)",
    "box_stopped": "edge box {device} stopped and not back",
    "box_silent": "edge box {device} silent (no status or metrics)",
    "camera_offline": "camera {device} offline",
}
"""Ticket title of each fault kind (the ``kind`` column of ``device_faults``)."""


@dataclass(frozen=True)
class BoxSeen:
    """A row of ``box_status``: the last status (parsed) and when status and metrics arrived."""

    site: str
    box: str
    state: str | None
    status: dict[str, Any]
    status_at: datetime | None
    metrics_at: datetime | None

    @property
    def last_heard(self) -> datetime | None:
        return max((t for t in (self.status_at, self.metrics_at) if t is not None), default=None)

    def camera_states(self) -> dict[str, str]:
        """Each camera's state in the last ``online`` status (a will carries none)."""
        if self.state != "online":
            return {}
        cams = self.status.get("cameras") or {}
        return {str(c): str(v.get("state")) for c, v in cams.items() if isinstance(v, dict)}


@dataclass(frozen=True)
class CameraSeen:
    site: str
    box: str
    camera: str
    state: str
    since: datetime


@dataclass(frozen=True)
class Fault:
    site: str
    box: str
    camera: str | None
    kind: str
    since: datetime
    detail: str

    def __post_init__(self) -> None:
        if self.kind not in FAULT_TITLES:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_TITLES)}")
        if self.since.tzinfo is None:
            raise ValueError(f"fault since {self.since.isoformat()} has no time zone")

    @property
    def device(self) -> str:
        """``site/box`` or ``site/box/camera``: what the ticket is about."""
        base = f"{self.site}/{self.box}"
        return f"{base}/{self.camera}" if self.camera else base

    @property
    def title(self) -> str:
        return FAULT_TITLES[self.kind].format(device=self.device)


def _held(since: datetime | None, now: datetime, minutes: float) -> bool:
    return since is not None and now - since >= timedelta(minutes=minutes)


def box_faults(b: BoxSeen, now: datetime, policy: DeviceHealth) -> list[Fault]:
    """The box's own fault now (at most one)."""
    silent = policy.box_silent_after_min
    if b.state == "offline" and _held(b.status_at, now, policy.box_offline_after_min):
        assert b.status_at is not None
        why = "the broker published its last will: the box lost its connection"
        return [Fault(b.site, b.box, None, "box_offline", b.status_at, why)]
    if b.state == "stopped" and _held(b.status_at, now, silent):
        assert b.status_at is not None
        why = f"stopped at {b.status_at.isoformat()} and not back for {silent:g} min"
        return [Fault(b.site, b.box, None, "box_stopped", b.status_at, why)]
    heard = b.last_heard
    if b.state in (None, "online") and _held(heard, now, silent):
        assert heard is not None
        why = f"no status or metrics since {heard.isoformat()} ({silent:g} min allowed)"
        return [Fault(b.site, b.box, None, "box_silent", heard, why)]
    return []


def camera_faults(cams: list[CameraSeen], now: datetime, policy: DeviceHealth) -> list[Fault]:
    """Cameras down for longer than ``camera_offline_after_min``."""
    limit = policy.camera_offline_after_min
    return [
        Fault(c.site, c.box, c.camera, "camera_offline", c.since, f"{c.state} since {c.since}")
        for c in cams
        if c.state in CAMERA_DOWN and _held(c.since, now, limit)
    ]


def box_healthy(b: BoxSeen, now: datetime, policy: DeviceHealth) -> bool:
    """Online and heard of recently: its box faults are over."""
    heard = b.last_heard
    return (
        b.state == "online"
        and heard is not None
        and not _held(heard, now, policy.box_silent_after_min)
    )
