"""Persistence of candidate regions across observations: a pure state machine, no I/O.

A candidate becomes a structure only when it is seen in ``persist_observations`` observations
spanning at least ``persist_min_s`` of stream time, and each sighting after the first is *stable*:
most of the part it shares with the track's last mask is unchanged since the previous observation.
Moving shadows, traffic and overlay clocks change between observations and so never accumulate
sightings; an unstable sighting (e.g. half hidden by a van) neither counts nor resets a candidate.

Transitions (``Phase`` x what happened -> action), as data in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

import cv2
import numpy as np

__all__ = ["Phase", "Sighting", "Track", "TrackEvent", "Tracker", "RULES", "Measure"]

_TYPICAL_OF = 3  # stable sightings whose median is a track's typical measure
_NEAR = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))  # slack for a few px of misalignment

#: Area of a full-frame ``bool`` mask: ``(measure, info)`` as in :class:`Sighting`.
Measure = Callable[[np.ndarray], tuple[float, dict[str, object]]]


class Phase(StrEnum):
    CANDIDATE = "candidate"
    REPORTED = "reported"


class Seen(StrEnum):
    STABLE = "stable"
    UNSTABLE = "unstable"
    MISSED = "missed"


#: (phase, what was seen) -> what the tracker does.
RULES: dict[tuple[Phase, Seen], str] = {
    (Phase.CANDIDATE, Seen.STABLE): "count",  # one more sighting; open when persistent
    (Phase.CANDIDATE, Seen.UNSTABLE): "wait",  # changing or occluded: wait for a stable one
    (Phase.CANDIDATE, Seen.MISSED): "drop",
    (Phase.REPORTED, Seen.STABLE): "grow",  # update when the typical area grew
    (Phase.REPORTED, Seen.UNSTABLE): "keep",
    (Phase.REPORTED, Seen.MISSED): "fade",  # cleared once gone as long as it had to persist
}


@dataclass(frozen=True)
class Sighting:
    """One candidate region of one observation."""

    mask: np.ndarray  # bool, analysis size
    bbox: tuple[int, int, int, int]  # analysis pixels (incidents report frame pixels)
    measure: float  # area in m2 (calibrated) or frame pixels
    steady: np.ndarray | None  # bool map: unchanged since the previous observation (None: first)
    info: dict[str, object] = field(default_factory=dict)  # carried into Track.extra
    core: np.ndarray | None = None  # the part measured (None: the whole mask)


@dataclass
class Track:
    id: int
    mask: np.ndarray
    bbox: tuple[int, int, int, int]
    measure: float
    first_pts: float
    first_at: datetime
    last_pts: float
    hits: int = 1
    phase: Phase = Phase.CANDIDATE
    reported_measure: float = 0.0
    misses: int = 0
    incident_id: str | None = None
    seq: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    core: np.ndarray | None = None  # measured part of the last sighting (evidence mask)
    recent: list[float] = field(default_factory=list)  # measures of stable sightings, reported


@dataclass(frozen=True)
class TrackEvent:
    action: str  # "open", "grow" or "clear"
    track: Track


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    inter = int(np.count_nonzero(a & b))
    return inter / max(1, min(int(np.count_nonzero(a)), int(np.count_nonzero(b))))


class Tracker:
    """Matches sightings to tracks by mask overlap and applies :data:`RULES`.

    Example:
        >>> from datetime import UTC
        >>> m = np.zeros((4, 4), bool); m[1:3, 1:3] = True
        >>> t = Tracker(persist_observations=2, persist_min_s=60, growth_ratio=0.2)
        >>> at = datetime(2026, 1, 1, tzinfo=UTC)
        >>> t.update([Sighting(m, (1, 1, 3, 3), 4.0, None)], 0.0, at)
        []
        >>> steady = np.ones((4, 4), bool)
        >>> [e.action for e in t.update([Sighting(m, (1, 1, 3, 3), 4.0, steady)], 60.0, at)]
        ['open']
    """

    def __init__(
        self,
        persist_observations: int,
        persist_min_s: float,
        growth_ratio: float,
        stable_fraction: float = 0.7,
        measure: Measure | None = None,
    ):
        self.m = persist_observations
        self.t = persist_min_s
        self.growth = growth_ratio
        self.stable_fraction = stable_fraction
        self.measure = measure
        self.tracks: list[Track] = []
        self._next = 1

    def reset(self) -> None:
        self.tracks = [tr for tr in self.tracks if tr.phase is Phase.REPORTED]

    def _match(self, s: Sighting, free: list[Track]) -> Track | None:
        best = max(free, key=lambda tr: _overlap(s.mask, tr.mask), default=None)
        return best if best is not None and _overlap(s.mask, best.mask) >= 0.5 else None

    def _stable(self, s: Sighting, tr: Track) -> bool:
        shared = s.mask & tr.mask
        if s.steady is None or not shared.any():
            return False
        return float(np.mean(s.steady[shared])) >= self.stable_fraction

    def _persistent_part(self, s: Sighting, tr: Track) -> Sighting:
        """The part of a region also present in the track's last sighting, for area and box: a van
        parked against a shed for one observation is not measured; a shed's new wing is, from the
        second observation that shows it. The track keeps matching on the whole region."""
        core = s.mask & (cv2.dilate(tr.mask.astype(np.uint8), _NEAR) > 0)
        if self.measure is None or core.sum() == s.mask.sum():
            return s
        ys, xs = np.nonzero(core)
        bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        value, info = self.measure(core)
        return replace(s, bbox=bbox, measure=value, info=info, core=core)

    @staticmethod
    def _typical(tr: Track) -> float:
        """Median measure of the last 3 stable sightings: one outline too large (a van alongside)
        or too small (half hidden) does not move it."""
        return float(np.median(tr.recent[-_TYPICAL_OF:]))

    def update(self, sightings: list[Sighting], pts: float, at: datetime) -> list[TrackEvent]:
        """Feed one observation's sightings; returns the incident-worthy events."""
        events: list[TrackEvent] = []
        free = list(self.tracks)
        for s in sightings:
            tr = self._match(s, free)
            if tr is None:
                tr = Track(self._next, s.mask, s.bbox, s.measure, pts, at, pts, extra=dict(s.info))
                self.tracks.append(tr)
                self._next += 1
                continue
            free.remove(tr)
            seen = Seen.STABLE if self._stable(s, tr) else Seen.UNSTABLE
            if seen is Seen.STABLE:
                s = self._persistent_part(s, tr)
            events += self._apply(tr, seen, s, pts, at)
        for tr in free:
            events += self._apply(tr, Seen.MISSED, None, pts, at)
        return events

    def _apply(
        self, tr: Track, seen: Seen, s: Sighting | None, pts: float, at: datetime
    ) -> list[TrackEvent]:
        action = RULES[(tr.phase, seen)]
        if s is not None:
            tr.mask, tr.bbox, tr.measure, tr.last_pts, tr.misses = s.mask, s.bbox, s.measure, pts, 0
            tr.extra, tr.core = dict(s.info), (s.core if s.core is not None else s.mask)
        if action in ("count", "grow"):  # bounded: a reported track may live for months
            tr.recent = [*tr.recent[1 - _TYPICAL_OF :], tr.measure]
        if action == "count":
            tr.hits += 1
            if tr.hits >= self.m and pts - tr.first_pts >= self.t:
                tr.phase, tr.reported_measure = Phase.REPORTED, self._typical(tr)
                return [TrackEvent("open", tr)]
        elif action == "wait" and tr.hits == 1:  # one unconfirmed sighting: start from this one
            tr.first_pts, tr.first_at = pts, at
        elif action == "drop":
            self.tracks.remove(tr)
        elif action == "grow" and self._typical(tr) >= tr.reported_measure * (1 + self.growth):
            tr.reported_measure = max(self._typical(tr), tr.measure)
            return [TrackEvent("grow", tr)]
        elif action == "fade":
            tr.misses += 1
            if tr.misses >= self.m and pts - tr.last_pts >= self.t:
                self.tracks.remove(tr)
                return [TrackEvent("clear", tr)]
        return []
