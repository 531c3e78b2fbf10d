"""The daily patrol of one watched place as the construction runner drives it: the edge around
the pure rules of :mod:`.patrol` (pictures cropped, evidence written, incidents marked).

Every incident of a watched zone carries its ``watched_place``; the first analysed frame of the
zone inside the day's window (stream time, box local time) adds that day's ``patrol_check``,
with the frame (``after``) and the reference (``before``) cropped to the zone; a day whose
window passed without a frame adds a ``camera_down`` one, without pictures.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from edge_agent.analytics.construction_watch.events import EvidenceSink, crop_box
from edge_agent.analytics.construction_watch.patrol import (
    Action,
    Due,
    OpenChanges,
    PatrolClock,
    Window,
    patrol_incident,
    verdict_of,
)
from edge_agent.config.models import AgentConfig, ZoneConfig
from edge_agent.contract.incident import Evidence, Incident, new_id
from edge_agent.contract.patrol import WatchedPlace
from edge_agent.incidents.origin import Origin

__all__ = ["Pictures", "DailyPatrol"]

log = logging.getLogger(__name__)

#: The day's view on the analysis grid: (reference BGR or ``None``, frame BGR, reference time,
#: analysis pixels per frame pixel).
Pictures = tuple[np.ndarray | None, np.ndarray, datetime | None, float]


class DailyPatrol:
    """One watched place's patrol; :meth:`of` is ``None`` for a zone that is not one."""

    def __init__(
        self, where: Origin, zone: ZoneConfig, cfg: AgentConfig, sink: EvidenceSink | None
    ):
        self.where, self.zone, self.sink = where, zone, sink
        self.place = _place(zone)
        self.clock = PatrolClock(
            Window.of(cfg.patrol_window_for(zone)), ZoneInfo(cfg.box.time_zone)
        )
        self.changes = OpenChanges()

    @classmethod
    def of(
        cls, where: Origin, zone: ZoneConfig | None, cfg: AgentConfig, sink: EvidenceSink | None
    ) -> DailyPatrol | None:
        if zone is None or zone.watched_place is None:
            return None
        return cls(where, zone, cfg, sink)

    def apply(self, cfg: AgentConfig, zone: ZoneConfig) -> None:
        """New window, time zone or place from a changed config; the days settled stay."""
        self.zone, self.place = zone, _place(zone)
        self.clock.window = Window.of(cfg.patrol_window_for(zone))
        self.clock.tz = ZoneInfo(cfg.box.time_zone)

    def mark(self, incidents: list[Incident]) -> list[Incident]:
        """The watch's incidents, each carrying the place (and followed for open changes)."""
        self.changes.follow(incidents)
        return [dataclasses.replace(i, watched_place=self.place) for i in incidents]

    def on_frame(
        self,
        incidents: list[Incident],
        observed: tuple[datetime, float],
        pictures: Callable[[], Pictures],
        tampered: str | None,
    ) -> list[Incident]:
        """After the watch saw a frame (its ``incidents``): those, marked, and the patrols the
        frame settles. ``pictures`` is asked for only on the day's patrol frame."""
        out = self.mark(incidents)
        step = self.clock.step(observed[0])
        if step.skipped:
            log.warning(
                "%s/%s: %d earlier day(s) without a frame are not reported (at most %d)",
                self.where.camera,
                self.where.zone,
                step.skipped,
                self.clock.max_missed,
            )
        for due in step.dues:
            if due.action is Action.MISSED:
                out.append(self._missed(due, observed[0]))
            else:
                out.append(self._checked(due, observed, pictures(), tampered))
        return out

    def _missed(self, due: Due, now: datetime) -> Incident:
        start, end = self.clock.window.bounds(due.day, self.clock.tz)
        tz = now.tzinfo
        check = verdict_of(due, self.clock.window, self.changes, None)
        inc = patrol_incident(self.where, self.place, check, (end.astimezone(tz), None))
        return dataclasses.replace(inc, started_at=start.astimezone(tz))

    def _checked(
        self,
        due: Due,
        observed: tuple[datetime, float],
        pictures: Pictures,
        tampered: str | None,
    ) -> Incident:
        before, after, reference_at, scale = pictures
        check = verdict_of(due, self.clock.window, self.changes, reference_at, tampered)
        incident_id = new_id()
        evidence = self._evidence(incident_id, (before, after), scale)
        return patrol_incident(self.where, self.place, check, observed, evidence, incident_id)

    def _evidence(
        self, incident_id: str, pictures: tuple[np.ndarray | None, np.ndarray], scale: float
    ) -> tuple[Evidence, ...]:
        """The day's frame and the reference, cropped to the zone (with some context)."""
        if self.sink is None:
            return ()
        before, after = pictures
        xs, ys = zip(*self.zone.polygon, strict=True)
        box = tuple(int(round(v * scale)) for v in (min(xs), min(ys), max(xs), max(ys)))
        x1, y1, x2, y2 = crop_box(box, after.shape[1], after.shape[0])  # type: ignore[arg-type]
        out = [self.sink.save(incident_id, 0, "after", after[y1:y2, x1:x2])]
        if before is not None and before.shape[:2] == after.shape[:2]:
            out.append(self.sink.save(incident_id, 0, "before", before[y1:y2, x1:x2]))
        return tuple(out)


def _place(zone: ZoneConfig) -> WatchedPlace:
    assert zone.watched_place is not None  # only watched zones have a patrol
    return zone.watched_place.to_contract()
