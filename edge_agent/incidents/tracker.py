"""Turns zone alarm events into incident events: stable incident ids, sequence numbers, times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, new_id
from edge_agent.crowd.zone import ZoneEvent

__all__ = ["Stamp", "IncidentTracker"]


@dataclass(frozen=True)
class Stamp:
    """Who observed it, and the wall label of stream time: ``epoch + pts``.

    The epoch is asked for at each use because a live source learns it only at its first frame
    (and keeps it across reconnects, its pts continuing).
    """

    site: str
    box: str
    camera: str
    epoch_of: Callable[[], datetime | None]

    @classmethod
    def fixed(cls, site: str, box: str, camera: str, epoch: datetime) -> Stamp:
        return cls(site, box, camera, lambda: epoch)

    def at(self, pts: float) -> datetime:
        epoch = self.epoch_of()
        if epoch is None:
            raise RuntimeError(f"{self.camera}: stream time has no epoch before the first frame")
        return epoch + timedelta(seconds=pts)


@dataclass
class _Open:
    id: str
    seq: int
    level_rank: int


class IncidentTracker:
    """Keeps one open incident per (zone, kind); ``cleared`` closes it."""

    def __init__(self, stamp: Stamp):
        self.stamp = stamp
        self._open: dict[tuple[str, IncidentKind], _Open] = {}

    def needs_evidence(self, zone_id: str, event: ZoneEvent) -> bool:
        """Evidence on opening and on a level change; heartbeats and clears go without."""
        key = (zone_id, event.kind)
        current = self._open.get(key)
        if event.alarm.state is EventState.OPENED or current is None:
            return True
        return (
            event.alarm.state is EventState.UPDATED and current.level_rank != event.alarm.level.rank
        )

    def next_ids(self, zone_id: str, kind: IncidentKind, state: EventState) -> tuple[str, int]:
        """The incident id and seq the next event of this zone/kind will carry."""
        current = self._open.get((zone_id, kind))
        if state is EventState.OPENED or current is None:
            return new_id(), 0
        return current.id, current.seq + 1

    def build(
        self,
        zone_id: str,
        grid_cell: str,
        event: ZoneEvent,
        evidence: tuple[Evidence, ...] = (),
        ids: tuple[str, int] | None = None,
    ) -> Incident:
        kind, alarm = event.kind, event.alarm
        incident_id, seq = ids or self.next_ids(zone_id, kind, alarm.state)
        key = (zone_id, kind)
        if alarm.state is EventState.CLEARED:
            self._open.pop(key, None)
        else:
            self._open[key] = _Open(incident_id, seq, alarm.level.rank)
        return Incident(
            id=incident_id,
            seq=seq,
            site=self.stamp.site,
            box=self.stamp.box,
            camera=self.stamp.camera,
            zone=zone_id,
            grid_cell=grid_cell,
            kind=kind,
            level=alarm.level,
            state=alarm.state,
            started_at=self.stamp.at(alarm.started_t),
            observed_at=self.stamp.at(alarm.t),
            metrics=event.metrics.to_contract(),
            evidence=evidence,
            stream_pts=alarm.t,
        )
