"""The construction watch of one camera zone: frames in, ``construction_change`` / ``tamper`` out.

Cadence (all in stream time): when no reference is stored for the zone, the first
``reference_frames`` frames at least ``reference_spacing_s`` apart build one (defaults 9 x 20 s:
about 3 minutes of stream). Then, every ``observe_every_s``, up to ``background_frames`` frames
(at least ``background_spacing_s`` apart, within ``background_window_s``) form a short-term
background with people and vehicles masked out, and that background is one observation.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np

from edge_agent.analytics.camera_health.checks import (
    CHECKS,
    Baseline,
    View,
    baseline_of,
    limits_of,
    verdict,
    view_of,
)
from edge_agent.analytics.construction_watch.background import (
    Batch,
    Lighting,
    Recent,
    Work,
    lighting_of,
    masked_median,
    to_gray,
)
from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.analytics.construction_watch.events import (
    EvidenceSink,
    TamperCase,
    structure_incident,
    tamper_incident,
)
from edge_agent.analytics.construction_watch.observe import (
    Context,
    Observation,
    ZoneView,
    analyse,
    measure,
)
from edge_agent.analytics.construction_watch.reference import Reference, ReferenceStore
from edge_agent.analytics.construction_watch.tracker import Tracker
from edge_agent.config.models import ConstructionSettings, ZoneConfig
from edge_agent.contract.incident import EventState, Incident, new_id
from edge_agent.detections import Detections
from edge_agent.errors import BaselineError
from edge_agent.frames import Frame
from edge_agent.incidents.origin import UNASSIGNED_CELL, Origin

__all__ = ["ConstructionWatch", "WHOLE_FRAME_ZONE"]

log = logging.getLogger(__name__)
#: Latest healthy observations the tamper checks compare with (before the first: the reference).
_HEALTHY_VIEWS = 9

#: Zone id used when the watch covers the whole frame (no config); its grid cell is "unassigned".
WHOLE_FRAME_ZONE = "frame"


class ConstructionWatch:
    """Illegal-construction watch of one zone (or the whole frame) of one camera.

    Example:
        >>> import tempfile
        >>> from datetime import UTC
        >>> cmp = Comparator("models/change_structural.onnx")
        >>> w = ConstructionWatch("xitang", "b1", "cam1", None, ConstructionSettings(
        ...     reference_frames=1), cmp, None, tempfile.mkdtemp())
        >>> at = datetime(2026, 1, 1, tzinfo=UTC)
        >>> w.observe(Frame("cam1", np.zeros((64, 64, 3), np.uint8), 0.0), Detections.empty(), at)
        []
        >>> w.has_reference
        True
    """

    #: Zone id of a watch over the whole frame (``zone`` None): its incidents and references.
    whole_frame_zone = WHOLE_FRAME_ZONE

    def __init__(
        self,
        site: str,
        box: str,
        camera_id: str,
        zone: ZoneConfig | None,
        settings: ConstructionSettings,
        comparator: Comparator,
        evidence: EvidenceSink | None,
        baseline_dir: str | Path,
    ):
        zone_id = zone.id if zone is not None else self.whole_frame_zone
        grid_cell = zone.grid_cell if zone else UNASSIGNED_CELL
        self.where = Origin(site, box, camera_id).in_zone(zone_id, grid_cell)
        self.zone, self.s, self.comparator, self.evidence = zone, settings, comparator, evidence
        self.store = ReferenceStore(baseline_dir, camera_id, zone_id)
        self.refs: dict[Lighting, Reference] = self.store.load_all()
        self._version = self.store.version()
        self.tracker = Tracker(
            settings.persist_observations,
            settings.persist_min_s,
            settings.growth_ratio,
            settings.stable_fraction,
            self._measure,
        )
        self._ref_batches: dict[Lighting, Batch] = {}
        self._obs_batch: Batch | None = None
        self._next_due: float | None = None
        self._prev: np.ndarray | None = None  # last aligned observation (gray)
        self._tamper_streak = 0
        self._tamper: TamperCase | None = None
        self._good_streak = 0  # healthy observations since the view went bad
        self._accepted = False  # a reference was accepted while the view was bad
        self._ctx: Context | None = None
        self.observations = 0  # observations analysed so far
        self.recent = Recent(settings.background_frames)  # frames for sparse backgrounds
        self._healthy: list[View] = []  # views of the latest healthy observations
        self._scale: float | None = None  # analysis pixels per frame pixel, from the 1st frame
        self._fitted: dict[tuple[str, tuple[int, ...]], Reference] = {}

    @property
    def has_reference(self) -> bool:
        return bool(self.refs)

    @property
    def suspended(self) -> bool:
        """True while a tamper incident is open: construction detection is off."""
        return self._tamper is not None

    def observe(self, frame: Frame, objects: Detections, observed_at: datetime) -> list[Incident]:
        """Feed one frame (keyframes are enough) and the people/vehicles found in it.

        Returns the incidents of an observation when this frame completes one, else ``[]``.
        """
        out: list[Incident] = []
        batch = self._obs_batch
        if batch is not None and frame.pts - batch.start_pts > self.s.background_window_s:
            out += self._observe_batch()  # window closed without this frame
        if self._scale is None:
            self._scale = min(1.0, self.s.analysis_max_side / max(frame.width, frame.height))
        work = Work(frame, objects, self._scale)
        self._feed_reference(frame, work, observed_at)
        if not self.refs:
            return out
        due = self._next_due is None or frame.pts >= self._next_due
        batch = self._obs_batch
        if batch is None and due:
            self._obs_batch = Batch([], [], frame.pts, frame.pts, observed_at)
            self._next_due = frame.pts + self.s.observe_every_s
            batch = self._obs_batch
        if batch is None:  # between observations: keep a few frames for a sparse background
            self.recent.offer(frame.pts, lambda: (work.image, work.mask), self._between_s())
        elif not batch.images or frame.pts - batch.last_pts >= self.s.background_spacing_s:
            batch.add(work.image, work.mask, frame.pts, observed_at)
            self.recent.offer(frame.pts, lambda: (work.image, work.mask), 0.0)
            if len(batch.images) >= self.s.background_frames:
                out += self._observe_batch()
        return out

    def _between_s(self) -> float:
        """Spacing of the frames kept between observations: enough of them to fill a background
        from snapshots minutes apart, few enough to cost nothing on a dense stream."""
        return max(
            self.s.background_spacing_s, self.s.background_span_s / (2 * self.s.background_frames)
        )

    def flush(self) -> list[Incident]:
        """Run an observation on frames still gathered (call at the end of a file); a watch that
        formed none says why in the log (and in :meth:`notes`)."""
        out = self._observe_batch() if self._obs_batch and self._obs_batch.images else []
        for note in self.notes():
            log.warning("%s/%s: %s", self.where.camera, self.where.zone, note)
        return out

    def notes(self) -> list[str]:
        """Why no observation was formed (empty once one was)."""
        if self.observations:
            return []
        s = self.s
        if not self.refs:
            gathered = max((len(b.images) for b in self._ref_batches.values()), default=0)
            return [
                f"no observation formed: no reference yet ({gathered} of {s.reference_frames} "
                f"frames at least {s.reference_spacing_s:g} s apart; a reference needs about "
                f"{(s.reference_frames - 1) * s.reference_spacing_s / 60:.0f} min of stream)"
            ]
        return ["no observation formed: the stream ended before the first was due"]

    # -- references -------------------------------------------------------------------------

    def _reload_if_accepted(self) -> None:
        """Pick up references replaced by ``edge-agent baseline accept``. Candidates restart; an
        open tamper incident clears at the next observation that matches the new reference, and
        reported structures now in the reference fade out (cleared) by the persistence rule."""
        version = self.store.version()
        if version != self._version:
            self._version, self.refs = version, self.store.load_all()
            self._accepted = True
            self._prev, self._tamper_streak, self._ref_batches = None, 0, {}
            self._healthy = []
            self.tracker.reset()

    def _feed_reference(self, frame: Frame, work: Work, at: datetime) -> None:
        """Gather frames for a missing lighting bucket; not while any change is being tracked or
        the view is tampered, so that a new structure is never baked into a new reference."""
        if self.refs and (self._tamper or self.tracker.tracks):
            if self._ref_batches:
                self._ref_batches = {}
            return
        if len(self.refs) == len(Lighting):  # every bucket has one: nothing to gather
            return
        small = cv2.resize(frame.image, (max(1, frame.width // 8), max(1, frame.height // 8)))
        bucket = lighting_of(to_gray(small), self.s.dusk_below, self.s.night_below)
        if bucket in self.refs:
            return
        batch = self._ref_batches.get(bucket)
        if batch is None:
            batch = self._ref_batches[bucket] = Batch([], [], frame.pts, frame.pts, at)
        elif frame.pts - batch.last_pts < self.s.reference_spacing_s:
            return
        batch.add(work.image, work.mask, frame.pts, at)
        if len(batch.images) >= self.s.reference_frames:
            self.save_reference(batch.images, batch.masks, bucket, (batch.last_pts, batch.last_at))
            del self._ref_batches[bucket]

    def save_reference(
        self,
        images: list[np.ndarray],
        masks: list[np.ndarray],
        bucket: Lighting,
        last: tuple[float, datetime],
        action: str = "auto-capture",
    ) -> Reference:
        """Median of ``images`` (``masks``: transients) stored as the reference of ``bucket``;
        ``last`` = stream pts and time of the last frame."""
        image = masked_median(images, masks)
        brightness = float(to_gray(image).mean())
        ref = Reference(image, bucket, last[0], len(images), brightness, taken_at=last[1])
        self.refs[bucket] = self.store.save(ref, action=action, who="edge-agent")
        self._version = self.store.version()
        return self.refs[bucket]

    def _pick_reference(self, gray: np.ndarray) -> Reference:
        bucket = lighting_of(gray, self.s.dusk_below, self.s.night_below)
        if bucket in self.refs:
            return self.refs[bucket]
        mean = float(gray.mean())
        return min(self.refs.values(), key=lambda r: abs(r.brightness - mean))

    def _fit(self, ref: Reference, shape: tuple[int, ...]) -> Reference:
        """The reference on the analysis grid (a captured one is full size)."""
        if ref.image.shape == shape:
            return ref
        h, w = ref.image.shape[:2]
        if abs(w / h - shape[1] / shape[0]) > 0.02:
            raise BaselineError(
                f"{self.store.dir}: reference is {w}x{h}, the camera's view has another shape "
                f"({shape[1]}x{shape[0]} analysed); capture a new reference"
            )
        key = (ref.sha256, shape)
        if key not in self._fitted:
            small = cv2.resize(ref.image, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
            self._fitted = {key: replace(ref, image=small)}
        return self._fitted[key]

    # -- observations -----------------------------------------------------------------------

    def _observe_batch(self) -> list[Incident]:
        batch, self._obs_batch = self._obs_batch, None
        self._reload_if_accepted()
        if batch is None or not batch.images or not self.refs:
            return []
        # sparse input (snapshots minutes apart): earlier frames join, so people are voted out
        images, masks = self.recent.newest(
            batch.last_pts - self.s.background_span_s,
            batch.images,
            batch.masks,
            self.s.background_frames,
        )
        image = masked_median(images, masks)
        unseen = np.logical_and.reduce(masks)  # covered by people/vehicles in every frame
        ref = self._fit(self._pick_reference(to_gray(image)), image.shape)
        bad = self._view_check(batch.images, ref)
        obs = Observation(bad) if bad is not None else self._analyse(image, unseen, ref)
        self.observations += 1
        when = (batch.last_at, batch.last_pts)
        if obs.tamper is not None:
            return self._on_tamper(obs, ref, image, when)
        out = self._on_view_ok(when)
        self._prev = obs.aligned_gray
        assert obs.aligned is not None  # set whenever there is no tamper
        for ev in self.tracker.update(list(obs.sightings), batch.last_pts, batch.last_at):
            core = ev.track.core if ev.track.core is not None else ev.track.mask
            pictures = (ref.image, obs.aligned, core)
            out.append(
                structure_incident(
                    self.where,
                    ev.track,
                    ev.action,
                    when,
                    pictures,
                    self.evidence,
                    scale=self._scale or 1.0,
                )
            )
        return out

    def _analyse(self, image: np.ndarray, unseen: np.ndarray, ref: Reference) -> Observation:
        """One observation against its reference: the view's health, then new structures."""
        return analyse(image, unseen, ref.image, self._prev, self._context(image))

    def _view_check(self, frames: list[np.ndarray], ref: Reference) -> str | None:
        """Camera health's checks on the observation's own frames (the newest, where a sparse
        background borrowed older ones), against the latest healthy frames: single frames, as
        they compare (a median smooths noise and jitter away). Most of them must fail; frames
        are learnt from only when all pass."""
        views = [view_of(f) for f in frames]
        healthy = self._healthy
        base = baseline_of(healthy) if healthy else Baseline(view_of(ref.image), 1.0)
        bad = [v for v in (verdict(base, w, limits_of(self.s)) for w in views) if v.check]
        if not bad:
            self._healthy = [*self._healthy, *views][-_HEALTHY_VIEWS:]
        return bad[0].reason if 2 * len(bad) > len(views) else None

    def apply_settings(self, settings: ConstructionSettings) -> None:
        """New settings from a changed config, without a restart; tracks and references stay.

        ``analysis_max_side`` and ``model`` keep their running values until the next start:
        changing them mid-stream would compare images of different sizes or models.
        """
        self.s = settings.model_copy(
            update={"analysis_max_side": self.s.analysis_max_side, "model": self.s.model}
        )
        self.recent.size = settings.background_frames
        self.tracker.m = settings.persist_observations
        self.tracker.t = settings.persist_min_s
        self.tracker.growth = settings.growth_ratio
        self.tracker.stable_fraction = settings.stable_fraction
        self._ctx = None  # rebuilt with the new settings at the next observation

    def _measure(self, mask: np.ndarray) -> tuple[float, dict[str, object]]:
        assert self._ctx is not None  # set before the first observation
        return measure(self._ctx.view, mask)

    def _context(self, image: np.ndarray) -> Context:
        h, w = image.shape[:2]
        if self._ctx is None or self._ctx.view.mask.shape != (h, w):
            view = ZoneView.build(self.zone, w, h, self._scale or 1.0)
            self._ctx = Context(view, self.s, self.comparator)
        return self._ctx

    def _on_tamper(
        self, obs: Observation, ref: Reference, image: np.ndarray, when: tuple[datetime, float]
    ) -> list[Incident]:
        self._tamper_streak, self._good_streak = self._tamper_streak + 1, 0
        if self._tamper is not None or self._tamper_streak < self.s.tamper_observations:
            return []
        reason = obs.tamper or "tamper"
        check = reason.split(":")[0]
        self._tamper = TamperCase(
            new_id(), when[0], reason, check=check if check in CHECKS else None
        )
        self.tracker.reset()
        return [
            tamper_incident(
                self.where, self._tamper, EventState.OPENED, when, (ref.image, image), self.evidence
            )
        ]

    def _on_view_ok(self, when: tuple[datetime, float]) -> list[Incident]:
        """A healthy view; an open tamper clears after ``tamper_observations`` of them in a row
        (no flapping ticket), or at once on a reference an operator accepted."""
        self._tamper_streak = 0
        if self._tamper is None:
            self._accepted = False
            return []
        self._good_streak += 1
        if self._good_streak < self.s.tamper_observations and not self._accepted:
            return []
        case, self._tamper = self._tamper, None
        self._good_streak, self._accepted = 0, False
        case.seq += 1
        self._prev = None
        return [tamper_incident(self.where, case, EventState.CLEARED, when, None, self.evidence)]
