"""Who observed an incident, and the stream clock that dates it.

:class:`Origin` is the one identity of an incident on the agent (site, box, camera, zone, grid
cell), whatever analytic raised it; :class:`StreamClock` turns stream time into the wall label
the contract carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypedDict

from edge_agent.config.models import ID_PATTERN, AgentConfig

__all__ = ["IncidentIds", "Origin", "StreamClock", "UNASSIGNED_CELL"]

#: Grid cell of an incident that belongs to no configured zone (ad-hoc replay, whole camera).
UNASSIGNED_CELL = "unassigned"

_ID = re.compile(ID_PATTERN)


class IncidentIds(TypedDict):
    """The identity fields of an incident, typed (so ``Incident(**ids)`` type-checks)."""

    site: str
    box: str
    camera: str
    zone: str
    grid_cell: str


@dataclass(frozen=True)
class Origin:
    """Identity fields every incident of one camera (``zone`` empty) or one zone carries.

    Example:
        >>> cam = Origin("xitang", "box1", "cam1")
        >>> cam.in_zone("lane", "330421101001001").ids()["zone"]
        'lane'
    """

    site: str
    box: str
    camera: str
    zone: str = ""
    grid_cell: str = UNASSIGNED_CELL

    def __post_init__(self) -> None:
        for name in ("site", "box", "camera"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _ID.match(value):
                raise ValueError(f"Origin.{name} must match {ID_PATTERN}; got {value!r}")
        if self.zone and not _ID.match(self.zone):
            raise ValueError(f"Origin.zone must match {ID_PATTERN}; got {self.zone!r}")

    @classmethod
    def of_camera(cls, cfg: AgentConfig, camera_id: str) -> Origin:
        return cls(cfg.box.site_id, cfg.box.box_id, camera_id)

    def in_zone(self, zone: str, grid_cell: str) -> Origin:
        return replace(self, zone=zone, grid_cell=grid_cell)

    def ids(self) -> IncidentIds:
        """The identity fields of an incident; only a zone's origin has them all."""
        if not self.zone:
            raise ValueError(f"{self.camera}: an incident needs a zone; use Origin.in_zone")
        return IncidentIds(
            site=self.site,
            box=self.box,
            camera=self.camera,
            zone=self.zone,
            grid_cell=self.grid_cell,
        )


@dataclass(frozen=True)
class StreamClock:
    """The wall label of stream time: ``epoch + pts``.

    The epoch is asked for at each use because a live source learns it only at its first frame
    (and keeps it across reconnects, its pts continuing).
    """

    camera: str
    epoch_of: Callable[[], datetime | None]

    @classmethod
    def fixed(cls, camera: str, epoch: datetime) -> StreamClock:
        return cls(camera, lambda: epoch)

    def at(self, pts: float) -> datetime:
        epoch = self.epoch_of()
        if epoch is None:
            raise RuntimeError(f"{self.camera}: stream time has no epoch before the first frame")
        return epoch + timedelta(seconds=pts)
