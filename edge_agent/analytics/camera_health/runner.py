"""The camera-health analytic: every ``every_s`` of stream time, one frame of the camera against
its learnt healthy view; ``tamper`` opens after ``tamper_observations`` bad checks in a row and
clears after twice as many good ones (a flapping tamper ticket helps nobody).

The healthy view (:class:`~edge_agent.analytics.camera_health.checks.Baseline`) is the median of
``reference_frames`` healthy frames at least ``reference_spacing_s`` apart, renewed from the
latest healthy frames as they come (light drifting through a day is followed, a covered or moved
view never enters it). It is kept in memory: after a restart it is learnt again (black, blank and
frozen need none). The frames behind it are kept only for the "before" picture of an incident,
so they are kept as JPEG: 9 + 9 of them raw at 640x360 held up to 12 MB per camera once
learnt (2.8 GB for a town of 230), as JPEG about 1 MB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import cv2
import numpy as np

from edge_agent.analytics.base import Analytic, Needs, Scope, Setup
from edge_agent.analytics.camera_health.checks import (
    Baseline,
    Verdict,
    View,
    baseline_of,
    blind,
    is_frozen_pair,
    limits_of,
    verdict,
    view_of,
)
from edge_agent.analytics.camera_health.incident import TamperCase, tamper_incident
from edge_agent.config.models import AgentConfig, CameraConfig, CameraHealthSettings, ZoneConfig
from edge_agent.contract.incident import EventState, Incident, IncidentKind, new_id
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.origin import UNASSIGNED_CELL

__all__ = ["ANALYTIC", "HEALTH_ZONE", "CameraHealthRunner"]

#: Zone id of camera-health incidents (the camera as a whole).
HEALTH_ZONE = "camera-health"
_EVIDENCE_SIDE = 640  # evidence pictures and baseline frames are kept at most this large
_FROZEN_DIFF = 0.3  # mean gray difference of two pictures the same but for codec noise
_KEPT_QUALITY = 90  # JPEG quality of the frames kept for the "before" picture


def _packed(image: np.ndarray) -> bytes:
    """A frame kept for evidence: shrunk, JPEG (encoded once per ``reference_spacing_s``)."""
    ok, data = cv2.imencode(".jpg", _small(image), [cv2.IMWRITE_JPEG_QUALITY, _KEPT_QUALITY])
    if not ok:  # OpenCV encodes any uint8 BGR picture; a failure is a bug
        raise RuntimeError("camera health: a frame could not be JPEG-encoded")
    return data.tobytes()


def _unpacked(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:  # the bytes came from _packed: a failure is a bug
        raise RuntimeError("camera health: a kept frame could not be decoded")
    return np.asarray(image, np.uint8)


def _small(image: np.ndarray) -> np.ndarray:
    scale = min(1.0, _EVIDENCE_SIDE / max(image.shape[:2]))
    if scale == 1.0:
        return image
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


@dataclass
class _State:
    """What the runner has learnt of its camera so far."""

    baseline: Baseline | None = None
    reference_set: list[bytes] = field(default_factory=list)  # frames behind the baseline (JPEG)
    reference: np.ndarray | None = None  # their BGR median (the "before" picture), made once
    healthy: list[View] = field(default_factory=list)  # recent healthy views
    pictures: list[bytes] = field(default_factory=list)  # the same frames, small, JPEG
    healthy_pts: float | None = None
    prev: tuple[View, float] | None = None  # the last picture checked and its pts
    frozen_since: float | None = None
    bad: int = 0
    good: int = 0
    case: TamperCase | None = None


class CameraHealthRunner:
    """The whole view of one camera; incidents carry zone ``camera-health`` and the grid cell of
    the camera's first zone (the place an operator goes to)."""

    def __init__(self, setup: Setup, settings: CameraHealthSettings | None):
        camera = setup.camera
        cell = camera.zones[0].grid_cell if camera.zones else UNASSIGNED_CELL
        self.where = setup.origin.in_zone(HEALTH_ZONE, cell)
        self.camera_id = camera.id
        self.evidence = setup.evidence
        self.s = settings
        self.st = _State()
        self.checks = 0  # frames checked so far

    def observe(
        self, frame: Frame, detections: Detections, observed_at: datetime
    ) -> list[Incident]:
        """Check one frame (the pipeline calls at the ``every_s`` cadence)."""
        if self.s is None:
            return []
        self.checks += 1
        view = view_of(frame.image)
        # a uniform picture repeats too: black and blank come before frozen
        repeated = self._repeated(view, frame.pts)
        found = self._blind(view) or self._frozen(frame.pts) or self._against_baseline(view)
        if found.check is None and not repeated:  # a repeated picture teaches nothing
            self._learn(frame, view)
        return self._count(found, frame, observed_at)

    def _repeated(self, view: View, pts: float) -> bool:
        """Whether this is the previous picture again (and since when it repeats)."""
        st = self.st
        same = st.prev is not None and is_frozen_pair(st.prev[0], view, _FROZEN_DIFF)
        if not same:
            st.frozen_since = None
        elif st.frozen_since is None:
            st.frozen_since = st.prev[1] if st.prev is not None else pts  # since its first showing
        st.prev = (view, pts)
        return same

    def _frozen(self, pts: float) -> Verdict | None:
        assert self.s is not None
        if self.st.frozen_since is None:
            return None
        held = pts - self.st.frozen_since
        if held < self.s.frozen_after_s:
            return None
        return Verdict("frozen", f"frozen: the same picture for {held:.0f} s", (("held_s", held),))

    def _blind(self, view: View) -> Verdict | None:
        """Black and blank: no baseline needed."""
        assert self.s is not None
        return blind(view, limits_of(self.s))  # not the whole verdict of the view against itself

    def _against_baseline(self, view: View) -> Verdict:
        assert self.s is not None
        if self.st.baseline is None:
            return Verdict(None)
        return verdict(self.st.baseline, view, limits_of(self.s))

    def _learn(self, frame: Frame, view: View) -> None:
        """Healthy frames renew the baseline: every ``reference_frames`` of them, spaced."""
        st, s = self.st, self.s
        assert s is not None
        if st.healthy_pts is not None and frame.pts - st.healthy_pts < s.reference_spacing_s:
            return
        st.healthy_pts = frame.pts
        st.healthy.append(view)
        st.pictures.append(_packed(frame.image))
        if len(st.healthy) >= s.reference_frames:
            st.baseline = baseline_of(st.healthy)
            st.reference_set, st.reference = st.pictures, None  # its median: when evidence needs it
            st.healthy, st.pictures = [], []

    def _count(self, found: Verdict, frame: Frame, at: datetime) -> list[Incident]:
        st, s = self.st, self.s
        assert s is not None
        when = (at, frame.pts)
        if found.check is None:
            st.bad, st.good = 0, st.good + 1
            if st.case is None or st.good < 2 * s.tamper_observations:  # no flapping
                return []
            case, st.case = st.case, None
            case.seq += 1
            return [
                tamper_incident(self.where, case, EventState.CLEARED, when, None, self.evidence)
            ]
        st.good, st.bad = 0, st.bad + 1
        if st.case is not None or st.bad < s.tamper_observations:
            return []
        st.case = TamperCase(new_id(), at, found.reason, check=found.check)
        if st.reference is None and st.reference_set:
            kept = np.stack([_unpacked(data) for data in st.reference_set])
            st.reference = np.median(kept, axis=0).astype(np.uint8)
        before = st.reference if st.reference is not None else _small(frame.image)
        pictures = (before, _small(frame.image))
        return [
            tamper_incident(self.where, st.case, EventState.OPENED, when, pictures, self.evidence)
        ]

    def flush(self) -> list[Incident]:
        return []

    def apply_config(self, cfg: AgentConfig) -> None:
        """New thresholds in place; what was learnt (baseline, open incident) is kept."""
        self.s = cfg.health_for(cfg.camera(self.camera_id))


def _settings(
    cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None
) -> CameraHealthSettings | None:
    return cfg.health_for(camera)


def _build(setup: Setup, zones: tuple[ZoneConfig, ...]) -> CameraHealthRunner:
    return CameraHealthRunner(setup, setup.cfg.health_for(setup.camera))


ANALYTIC = Analytic(
    name="camera_health",
    zone_kinds=frozenset(),  # the camera as a whole, whatever its zones
    scope=Scope.CAMERA,
    settings=CameraHealthSettings,
    settings_of=_settings,
    needs=Needs(image=True, classes=frozenset(), cadence_s="every_s"),  # no detections needed
    emits=frozenset({IncidentKind.TAMPER}),
    build=_build,
    # on for every camera unless it says ``health: {enabled: false}``
    switched_on=lambda camera: camera.health is None or camera.health.enabled,
)
