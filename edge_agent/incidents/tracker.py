"""Turns zone alarm events into incident events: stable incident ids, sequence numbers, times."""

from __future__ import annotations

from dataclasses import dataclass

from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, new_id
from edge_agent.incidents.event import ZoneEvent
from edge_agent.incidents.origin import Origin, StreamClock

__all__ = ["IncidentTracker"]


@dataclass
class _Open:
    id: str
    seq: int
    level_rank: int


class IncidentTracker:
    """Keeps one open incident per (zone, kind) of one camera; ``cleared`` closes it."""

    def __init__(self, origin: Origin, clock: StreamClock):
        self.origin = origin
        self.clock = clock
        self._open: dict[tuple[str, IncidentKind], _Open] = {}

    def needs_evidence(self, zone_id: str, event: ZoneEvent) -> bool:
        """Evidence on opening and on a level change; heartbeats and clears go without."""
        key = (zone_id, event.kind)
        current = self._open.get(key)
        state, level = event.alarm.state, event.alarm.level
        if state is EventState.OPENED or current is None:
            return True
        return state is EventState.UPDATED and current.level_rank != level.rank

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
            **self.origin.in_zone(zone_id, grid_cell).ids(),
            kind=kind,
            level=alarm.level,
            state=alarm.state,
            started_at=self.clock.at(alarm.started_t),
            observed_at=self.clock.at(alarm.t),
            metrics=dict(event.metrics),
            evidence=evidence,
            stream_pts=alarm.t,
        )
