"""Per-camera analysis: detections in, zone metrics and incident events out.

The pipeline runs whatever the camera's zones ask for: for each row of the analytics registry
(:mod:`edge_agent.analytics.registry`) that serves one of its zones (or that the camera switches
on), a runner, called on every analysed frame with the detections it asked for. No I/O here
except through the sink and the evidence store it is given, so a recording, a live stream and a
test all drive it the same way, with the stream's timestamps as the only clock.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from edge_agent.analytics.base import CAMERA_KEY, Analytic, MeasuresZones, Runner, Scope, Setup
from edge_agent.analytics.crowd_density.zone import CrowdZone
from edge_agent.analytics.registry import REGISTRY, by_name, runs_for
from edge_agent.config.models import AgentConfig, CameraConfig, SlicingConfig
from edge_agent.contract.incident import Incident
from edge_agent.detect.auto_slicing import SlicingPlan, network_side
from edge_agent.detections import PERSON_CLASS, Detections
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import Origin, StreamClock
from edge_agent.sinks import IncidentSink
from edge_agent.zones.metrics import ZoneMetrics

__all__ = ["Detector", "FrameResult", "CameraPipeline", "Services"]


class Detector(Protocol):
    @property
    def last_timings(self) -> dict[str, float]:
        """Seconds per stage of this thread's last ``detect``."""
        ...

    def detect(self, image: np.ndarray, slicing: SlicingConfig | None = None) -> Detections: ...


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
            "zones": {zid: m.to_jsonl() for zid, m in self.zones.items()},
        }


@dataclass(frozen=True)
class Services:
    """What the analytics of a pipeline may use beyond the frame.

    Attributes:
        evidence: where evidence pictures go (``None``: incidents go without).
        baseline_dir: where references of views are kept (``None``: the config's).
        analytics: names of the analytics allowed to run (``None``: every one the zones ask for).
    """

    evidence: EvidenceStore | None = None
    baseline_dir: Path | None = None
    analytics: Collection[str] | None = None


@dataclass
class _Slot:
    """A runner and the next stream time it is due (its analytic's cadence)."""

    runner: Runner
    every_s: float
    due: float | None = None


class CameraPipeline:
    """Runs every analytic the zones of one camera ask for on each analysed frame."""

    def __init__(
        self,
        cfg: AgentConfig,
        camera: CameraConfig,
        detector: Detector,
        sink: IncidentSink,
        clock: StreamClock,
        services: Services | None = None,
    ):
        services = services or Services()
        self.camera = camera
        self.detector = detector
        #: What the camera's ``slicing`` setting runs per frame (``auto``: decided on probes).
        self.slicing = SlicingPlan(camera.slicing, network_side(detector), camera.id)
        self.sink = sink
        self.clock = clock
        baseline_dir = services.baseline_dir or Path(cfg.baseline_dir)
        origin = Origin.of_camera(cfg, camera.id)
        self.setup = Setup(cfg, camera, origin, clock, services.evidence, baseline_dir)
        only = services.analytics
        #: (analytic, runner key -> slot) in registry order; a key is a zone id or CAMERA_KEY.
        self._table: list[tuple[Analytic, dict[str, _Slot]]] = [
            (a, {}) for a in REGISTRY if only is None or a.name in only
        ]
        for analytic, zones in runs_for(camera, only):
            key = zones[0].id if analytic.scope is Scope.ZONE else CAMERA_KEY
            self.add_runner(analytic, key, analytic.build(self.setup, zones))

    def add_runner(self, analytic: Analytic, key: str, runner: Runner) -> None:
        """Run ``runner`` for ``analytic`` from the next frame on, under ``key`` (a zone id, or
        CAMERA_KEY). A replay without a config adds a whole-frame construction watch this way."""
        slots = next((slots for a, slots in self._table if a.name == analytic.name), None)
        if slots is None:
            slots = {}
            self._table.append((analytic, slots))
        cfg, camera = self.setup.cfg, self.setup.camera
        zone = next((z for z in camera.zones if z.id == key), None)
        slots[key] = _Slot(runner, analytic.cadence_s(cfg, camera, zone))

    def runners(self, name: str) -> dict[str, Runner]:
        """The runners of one analytic, by zone id (or CAMERA_KEY)."""
        for analytic, slots in self._table:
            if analytic.name == name:
                return {key: slot.runner for key, slot in slots.items()}
        return {}

    @property
    def crowd(self) -> dict[str, CrowdZone]:
        """The crowd zones of this camera, by id (a view for tests and tools)."""
        runner = self.runners("crowd_density").get(CAMERA_KEY)
        return dict(getattr(runner, "zones", {}))

    @property
    def watchers(self) -> _WatcherView:
        """The construction watches, by zone id; assigning one adds it (tests, replay)."""
        return _WatcherView(self, by_name("construction_watch"))

    def apply_config(self, cfg: AgentConfig) -> None:
        """New settings from a changed config, without a restart or losing open incidents.

        Each runner takes its own settings in place (see the analytics' ``apply_config``); zones
        added or removed, and the camera's own keys (slicing), take effect at the next start.
        """
        camera = cfg.camera(self.camera.id)
        self.setup = replace(self.setup, cfg=cfg, camera=camera)
        for analytic, slots in self._table:
            for key, slot in slots.items():
                slot.runner.apply_config(cfg)
                zone = next((z for z in camera.zones if z.id == key), None)
                slot.every_s = analytic.cadence_s(cfg, camera, zone)

    def process(self, frame: Frame) -> FrameResult:
        dets, timings = self.slicing.detect(self.detector, frame.image, frame.pts)
        t0 = time.perf_counter()
        people = dets.of_class(PERSON_CLASS)
        metrics: dict[str, ZoneMetrics] = {}
        incidents: list[Incident] = []
        at = self.clock.at(frame.pts)
        for analytic, slots in self._table:
            objects = _given(analytic, dets, people)
            for slot in slots.values():
                if slot.due is not None and frame.pts < slot.due:
                    continue
                slot.due = frame.pts + slot.every_s if slot.every_s > 0 else None
                incidents += slot.runner.observe(frame, objects, at)
                if isinstance(slot.runner, MeasuresZones):
                    metrics.update(slot.runner.zone_metrics())
        timings["postprocess"] = timings.get("postprocess", 0.0) + time.perf_counter() - t0
        t1 = time.perf_counter()
        for inc in incidents:
            self.sink.emit(inc)
        timings["publish"] = time.perf_counter() - t1
        return FrameResult(self.camera.id, frame.pts, metrics, incidents, people, timings)

    def finish(self) -> list[Incident]:
        """At the end of a recording: the runners' last, partly gathered observations."""
        incidents = [
            inc
            for _, slots in self._table
            for slot in slots.values()
            for inc in slot.runner.flush()
        ]
        for inc in incidents:
            self.sink.emit(inc)
        return incidents


def _given(analytic: Analytic, dets: Detections, people: Detections) -> Detections:
    """The detections an analytic asked for (people are filtered once for all)."""
    classes = analytic.needs.classes
    if classes is None:
        return dets
    if classes == {PERSON_CLASS}:
        return people
    return dets[np.isin(dets.class_id, list(classes))]


class _WatcherView:
    """``pipeline.watchers[zone] = watch`` / ``pipeline.watchers[zone]``: construction watches."""

    def __init__(self, pipeline: CameraPipeline, analytic: Analytic):
        self._p, self._a = pipeline, analytic

    def __getitem__(self, key: str) -> Runner:
        return self._p.runners(self._a.name)[key]

    def __setitem__(self, key: str, runner: Runner) -> None:
        self._p.add_runner(self._a, key, runner)

    def __contains__(self, key: object) -> bool:
        return key in self._p.runners(self._a.name)

    def __len__(self) -> int:
        return len(self._p.runners(self._a.name))
