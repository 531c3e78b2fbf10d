"""Per-camera analysis: detections in, zone metrics and incident events out.

No I/O here except through the sink and the evidence store it is given, so a recording, a live
stream and a test all drive it the same way, with the stream's timestamps as the only clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from edge_agent.config.models import (
    AgentConfig,
    CameraConfig,
    ConstructionSettings,
    SlicingConfig,
    ZoneConfig,
    ZoneKind,
)
from edge_agent.contract.incident import Evidence, Incident
from edge_agent.crowd.zone import CrowdZone, ZoneEvent, ZoneMetrics
from edge_agent.detections import PERSON_CLASS, Detections
from edge_agent.draw import LEVEL_COLOURS, draw_detections, draw_zone
from edge_agent.errors import GridwatchError
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.tracker import IncidentTracker, Stamp
from edge_agent.sinks import IncidentSink
from edge_agent.zones.geometry import GroundPlane, PolygonZone

__all__ = ["Detector", "FrameResult", "CameraPipeline", "zone_area_m2", "ObjectWatcher"]

log = logging.getLogger(__name__)


class Detector(Protocol):
    @property
    def last_timings(self) -> dict[str, float]:
        """Seconds per stage of this thread's last ``detect``."""
        ...

    def detect(self, image: np.ndarray, slicing: SlicingConfig | None = None) -> Detections: ...


class ObjectWatcher(Protocol):
    """A zone analysis that takes the whole frame (construction watch)."""

    def observe(self, frame: Frame, objects: Detections, observed_at) -> list[Incident]: ...

    def flush(self) -> list[Incident]:
        """Finish work on frames already gathered (the end of a recording)."""
        ...

    def apply_settings(self, settings: ConstructionSettings) -> None:
        """New settings from a changed config, keeping what the watch has learnt."""
        ...


@dataclass
class FrameResult:
    camera: str
    pts: float
    zones: dict[str, ZoneMetrics]
    incidents: list[Incident]
    people: Detections
    timings: dict[str, float] = field(default_factory=dict)

    def to_jsonl(self) -> dict[str, object]:
        """The ``{"kind": "frame", …}`` line of ``edge-agent replay --jsonl``."""
        return {
            "kind": "frame",
            "camera": self.camera,
            "pts": round(self.pts, 3),
            "zones": {
                zid: {
                    "count": m.count,
                    "density": None if m.density is None else round(m.density, 4),
                    "level": m.level.value,
                }
                for zid, m in self.zones.items()
            },
        }


def zone_area_m2(zone: ZoneConfig) -> float | None:
    """The zone's ground area: given, or from the calibration homography, or unknown."""
    if zone.area_m2 is not None:
        return zone.area_m2
    if zone.calibration is not None:
        ground = GroundPlane.from_points(
            zone.calibration.image_points, zone.calibration.ground_points_m
        )
        return ground.polygon_area_m2(zone.polygon)
    return None


class CameraPipeline:
    """Runs every zone of one camera on each analysed frame."""

    def __init__(
        self,
        cfg: AgentConfig,
        camera: CameraConfig,
        detector: Detector,
        sink: IncidentSink,
        stamp: Stamp,
        evidence: EvidenceStore | None = None,
        watcher_factory: Callable[[ZoneConfig], ObjectWatcher] | None = None,
    ):
        self.camera = camera
        self.detector = detector
        self.sink = sink
        self.stamp = stamp
        self.evidence = evidence
        self.tracker = IncidentTracker(stamp)
        self.zone_cfg = {z.id: z for z in camera.zones}
        self.crowd: dict[str, CrowdZone] = {}
        self.watchers: dict[str, ObjectWatcher] = {}
        for z in camera.zones:
            if z.kind is ZoneKind.CONSTRUCTION_WATCH:
                if watcher_factory is not None:
                    self.watchers[z.id] = watcher_factory(z)
            else:
                poly = PolygonZone.from_points(z.polygon)
                self.crowd[z.id] = CrowdZone(z.id, poly, zone_area_m2(z), cfg.thresholds_for(z))
        self._construction = {
            zid: cfg.construction_for(self.zone_cfg[zid]) for zid in self.watchers
        }

    def apply_config(self, cfg: AgentConfig) -> None:
        """New thresholds from a changed config, without a restart or losing open incidents.

        A construction watch whose settings changed takes them in place: its references, the
        structures it tracks and the incidents it has open are kept (a rebuilt watch would start
        its persistence count again and could report a known structure twice).
        """
        cam = cfg.camera(self.camera.id)
        for z in cam.zones:
            if z.id in self.crowd:
                self.crowd[z.id].set_thresholds(cfg.thresholds_for(z))
                self.zone_cfg[z.id] = z
            elif z.id in self.watchers:
                settings = cfg.construction_for(z)
                if settings != self._construction[z.id]:
                    self.watchers[z.id].apply_settings(settings)
                    self._construction[z.id] = settings

    def process(self, frame: Frame) -> FrameResult:
        dets = self.detector.detect(frame.image, self.camera.slicing)
        timings = dict(getattr(self.detector, "last_timings", {}))
        t0 = time.perf_counter()
        people = dets.of_class(PERSON_CLASS)
        metrics: dict[str, ZoneMetrics] = {}
        incidents: list[Incident] = []
        for zid, zone in self.crowd.items():
            m, events = zone.update(frame.pts, people)
            metrics[zid] = m
            for ev in events:
                incidents.append(self._incident(frame, people, zid, ev))
        for watcher in self.watchers.values():
            incidents.extend(watcher.observe(frame, dets, self.stamp.at(frame.pts)))
        timings["postprocess"] = timings.get("postprocess", 0.0) + time.perf_counter() - t0
        t1 = time.perf_counter()
        for inc in incidents:
            self.sink.emit(inc)
        timings["publish"] = time.perf_counter() - t1
        return FrameResult(self.camera.id, frame.pts, metrics, incidents, people, timings)

    def finish(self) -> list[Incident]:
        """At the end of a recording: the watchers' last, partly gathered observations."""
        incidents = [inc for w in self.watchers.values() for inc in w.flush()]
        for inc in incidents:
            self.sink.emit(inc)
        return incidents

    def _incident(self, frame: Frame, people: Detections, zid: str, ev: ZoneEvent) -> Incident:
        zone = self.zone_cfg[zid]
        evidence: tuple[Evidence, ...] = ()
        if self.evidence is not None and self.tracker.needs_evidence(zid, ev):
            ids = self.tracker.next_ids(zid, ev.kind, ev.alarm.state)
            img = self.annotate(frame, people)
            try:
                evidence = (self.evidence.save(ids[0], ids[1], "annotated", img),)
            except (OSError, GridwatchError) as err:  # disk full, bad dir: the event still goes
                log.error(
                    "%s/%s: evidence not written, event sent without: %s", frame.camera_id, zid, err
                )
            return self.tracker.build(zid, zone.grid_cell, ev, evidence, ids)
        return self.tracker.build(zid, zone.grid_cell, ev)

    def annotate(self, frame: Frame, people: Detections) -> np.ndarray:
        img = frame.image.copy()
        for zid, zone in self.crowd.items():
            colour = LEVEL_COLOURS[zone.alarm.level.value]
            draw_zone(img, zone.polygon.points, f"{zid} {zone.alarm.level.value}", colour)
        draw_detections(img, people)
        return img
