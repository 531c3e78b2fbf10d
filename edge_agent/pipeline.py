"""Per-camera analysis: detections in, zone metrics and incident events out.

The pipeline runs whatever the camera's zones ask for: for each row of the analytics registry
(:mod:`edge_agent.analytics.registry`) that serves one of its zones (or that the camera switches
on), a runner, called on every analysed frame with the detections it asked for. No I/O here
except through the sink and the evidence store it is given, so a recording, a live stream and a
test all drive it the same way, with the stream's timestamps as the only clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from edge_agent.analytics.base import CAMERA_KEY, Analytic, MeasuresZones, Runner, Scope, Setup
from edge_agent.analytics.cadence import (
    CameraCadence,
    Decision,
    box_share,
    people_to_busy,
    person_pressure,
    pressure,
)
from edge_agent.analytics.crowd_density.zone import CrowdZone
from edge_agent.analytics.registry import REGISTRY, by_name, runs_for
from edge_agent.config.models import AgentConfig, CameraConfig, SlicingConfig
from edge_agent.contract.incident import Incident
from edge_agent.detect.auto_slicing import SlicingPlan, network_side
from edge_agent.detect.batching import detect_batch
from edge_agent.detect.detector import Detector as OnnxDetector
from edge_agent.detections import PERSON_CLASS, Detections
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import Origin, StreamClock
from edge_agent.sinks import IncidentSink
from edge_agent.zones.area import zone_area_m2
from edge_agent.zones.metrics import ZoneMetrics

__all__ = ["Detector", "FrameResult", "CameraPipeline", "Services", "Decision", "process_batch"]


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
    #: What the cadence decided for this keyframe (:class:`Decision`).
    decision: Decision = Decision.ANALYSE
    #: Stream time of the frame the detections come from (``pts`` unless carried over).
    detected_pts: float | None = None

    @property
    def carried(self) -> bool:
        """The detections are an earlier frame's (a gated or skipped keyframe)."""
        return self.decision is not Decision.ANALYSE

    def to_jsonl(self) -> dict[str, object]:
        """The ``{"kind": "frame", …}`` line of ``edge-agent replay --jsonl``; a keyframe the
        detector did not run on says so (``"analysis": "gated"`` or ``"skipped"``)."""
        line: dict[str, object] = {
            "kind": "frame",
            "camera": self.camera,
            "pts": round(self.pts, 3),
            "zones": {zid: m.to_jsonl() for zid, m in self.zones.items()},
        }
        if self.carried:
            line["analysis"] = self.decision.value
        return line


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
    #: Whether it counts people in zones (checked once: a Protocol isinstance is slow).
    counts: bool = field(init=False)

    def __post_init__(self) -> None:
        self.counts = isinstance(self.runner, MeasuresZones)


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
        self.cadence = CameraCadence(cfg.cadence_for(camera))
        self._thresholds = {z.id: cfg.thresholds_for(z) for z in camera.zones}
        self._per_person = _per_person(cfg, camera)
        #: Stream time and detections of the last frame the detector ran on.
        self._last: tuple[float, Detections] = (0.0, Detections.empty())

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
        self.cadence.settings = cfg.cadence_for(camera)
        self._thresholds = {z.id: cfg.thresholds_for(z) for z in camera.zones}
        self._per_person = _per_person(cfg, camera)
        for analytic, slots in self._table:
            for key, slot in slots.items():
                slot.runner.apply_config(cfg)
                zone = next((z for z in camera.zones if z.id == key), None)
                slot.every_s = analytic.cadence_s(cfg, camera, zone)

    def plan(self, frame: Frame) -> Decision:
        """Whether this keyframe goes to the detector (see :mod:`edge_agent.analytics.cadence`)."""
        return self.cadence.decide(frame.pts, frame.gray)  # grey: no BGR conversion yet

    def process(self, frame: Frame) -> FrameResult:
        """Decide, detect if due, run the analytics that are due: one keyframe, start to end."""
        t0 = time.perf_counter()
        decision = self.plan(frame)
        gate_s = time.perf_counter() - t0
        dets: Detections | None = None
        timings: dict[str, float] = {}
        if decision is Decision.ANALYSE:
            dets, timings = self.slicing.detect(self.detector, frame.image, frame.pts)
        timings["gate"] = gate_s
        return self.complete(frame, decision, dets, timings)

    def complete(
        self,
        frame: Frame,
        decision: Decision,
        dets: Detections | None,
        timings: dict[str, float],
    ) -> FrameResult:
        """The analytics on a planned keyframe; ``dets``: the detector's, when it ran on it."""
        if decision is Decision.ANALYSE:
            assert dets is not None, "an analysed keyframe comes with its detections"
            self._last = (frame.pts, dets)
        detected_pts, dets = self._last
        t0 = time.perf_counter()
        people = dets.of_class(PERSON_CLASS)
        metrics, incidents = self._observe(frame, decision, dets, people)
        default = self.setup.cfg.defaults.thresholds
        pressures = {
            zid: pressure(m, self._thresholds.get(zid, default)) for zid, m in metrics.items()
        }
        if decision is not Decision.SKIPPED:
            spare = people_to_busy(self.cadence.settings, pressures, self._per_person)
        if decision is Decision.ANALYSE:
            share = box_share(people.xyxy, frame.width, frame.height)
            self.cadence.analysed(frame.pts, frame.gray, pressures, share, spare)
        elif decision is Decision.GATED:
            self.cadence.carried(frame.pts, pressures, spare)
        timings["postprocess"] = timings.get("postprocess", 0.0) + time.perf_counter() - t0
        t1 = time.perf_counter()
        for inc in incidents:
            self.sink.emit(inc)
        timings["publish"] = time.perf_counter() - t1
        result = FrameResult(self.camera.id, frame.pts, metrics, incidents, people, timings)
        result.decision, result.detected_pts = decision, detected_pts
        return result

    def _observe(
        self, frame: Frame, decision: Decision, dets: Detections, people: Detections
    ) -> tuple[dict[str, ZoneMetrics], list[Incident]]:
        """Every due runner; a skipped keyframe leaves out those that count people in zones."""
        metrics: dict[str, ZoneMetrics] = {}
        incidents: list[Incident] = []
        at = self.clock.at(frame.pts)
        for analytic, slots in self._table:
            objects: Detections | None = None  # filtered when a runner of it is due
            for slot in slots.values():
                if slot.due is not None and frame.pts < slot.due:
                    continue
                if slot.counts and decision is Decision.SKIPPED:
                    continue
                slot.due = frame.pts + slot.every_s if slot.every_s > 0 else None
                if objects is None:
                    objects = _given(analytic, dets, people)
                incidents += slot.runner.observe(frame, objects, at)
                if slot.counts:
                    metrics.update(slot.runner.zone_metrics())  # type: ignore[attr-defined]
        return metrics, incidents

    def next_look_pts(self, pts: float) -> float | None:
        """After the keyframe at ``pts``: before which stream time this camera needs no picture
        at all: the cadence's next look, or earlier where another analytic is due (construction
        watch, camera health); ``None``: every keyframe."""
        look = self.cadence.next_look(pts)
        if look is None:
            return None
        for _, slots in self._table:
            for slot in slots.values():
                if slot.counts:
                    continue
                if slot.due is None:
                    return None  # an analytic that runs on every keyframe, or has not run yet
                look = min(look, slot.due)
        return look

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


#: ``on_error(frame, error)``: a frame the analysis failed on (the others of its batch go on).
OnError = Callable[[Frame, Exception], None]


def process_batch(
    pipelines: Mapping[str, CameraPipeline],
    frames: Sequence[Frame],
    max_size: int,
    on_error: OnError | None = None,
) -> list[FrameResult]:
    """Keyframes of several cameras: each planned, those due detected in shared runs of up to
    ``max_size`` pictures, then each completed in order (a camera's frames stay in order).

    The shared ONNX detector batches; any other detects one frame at a time. Without
    ``on_error`` the first failure raises; with it, a failed frame is reported and left out.
    """
    t0 = time.perf_counter()
    plans = [pipelines[f.camera_id].plan(f) for f in frames]
    gate_s = (time.perf_counter() - t0) / max(len(frames), 1)
    due = [i for i, d in enumerate(plans) if d is Decision.ANALYSE]
    found = {
        due[j]: v for j, v in _detect_due(pipelines, [frames[i] for i in due], max_size).items()
    }
    results = []
    for i, frame in enumerate(frames):
        try:
            got = found.get(i)
            if isinstance(got, Exception):
                raise got
            dets, timings = got if got is not None else (None, {})
            timings["gate"] = gate_s
            results.append(pipelines[frame.camera_id].complete(frame, plans[i], dets, timings))
        except Exception as err:
            if on_error is None:
                raise
            on_error(frame, err)
    return results


_Found = tuple[Detections, dict[str, float]]


def _detect_due(
    pipelines: Mapping[str, CameraPipeline], frames: Sequence[Frame], max_size: int
) -> dict[int, _Found | Exception]:
    """Detections of each frame (by its index in ``frames``), or the error detecting it.

    A frame its camera's slicing plan probes on (``slicing: auto`` deciding) is detected
    alone; the others share runs, each with the slicing its camera chose.
    """
    found: dict[int, _Found | Exception] = {}
    shared = [
        i
        for i, f in enumerate(frames)
        if isinstance(pipelines[f.camera_id].detector, OnnxDetector)
        and not pipelines[f.camera_id].slicing.probes_at(f.pts)
    ]
    if len(shared) > 1:
        detector = pipelines[frames[shared[0]].camera_id].detector
        images = [frames[i].image for i in shared]
        slicings = [pipelines[frames[i].camera_id].slicing.choice.slicing for i in shared]
        try:
            assert isinstance(detector, OnnxDetector)
            ran = detect_batch(detector, images, slicings, max_size)
            for i, (dets, _) in zip(shared, ran, strict=True):
                pipelines[frames[i].camera_id].slicing.seen(frames[i].pts, dets)
            found = dict(zip(shared, ran, strict=True))
        except Exception:  # one bad picture fails the run: find it by detecting one at a time
            found = {}
    for i, frame in enumerate(frames):
        if i in found:
            continue
        p = pipelines[frame.camera_id]
        try:
            found[i] = p.slicing.detect(p.detector, frame.image, frame.pts)
        except Exception as err:
            found[i] = err
    return found


def _per_person(cfg: AgentConfig, camera: CameraConfig) -> dict[str, float]:
    """What one more person adds to each zone's pressure (the cadence's :func:`people_to_busy`)."""
    return {z.id: person_pressure(cfg.thresholds_for(z), zone_area_m2(z)) for z in camera.zones}


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
