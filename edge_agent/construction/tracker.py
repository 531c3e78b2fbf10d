"""Persistence of candidate regions across observations: a pure state machine, no I/O.

A candidate becomes a structure only when it is seen in ``persist_observations`` observations
spanning at least ``persist_min_s`` of stream time, and each sighting after the first is *stable*:
most of the region looks the same as in the previous observation. Moving shadows, traffic and
overlay clocks change between observations and so never accumulate sightings.

Transitions (``Phase`` x what happened -> action), as data in :data:`RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np

__all__ = ["Phase", "Sighting", "Track", "TrackEvent", "Tracker", "RULES"]


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
    (Phase.CANDIDATE, Seen.UNSTABLE): "restart",  # still changing: count again from here
    (Phase.CANDIDATE, Seen.MISSED): "drop",
    (Phase.REPORTED, Seen.STABLE): "grow",  # update the incident when the area grew
    (Phase.REPORTED, Seen.UNSTABLE): "keep",
    (Phase.REPORTED, Seen.MISSED): "fade",  # cleared once gone as long as it had to persist
}


@dataclass(frozen=True)
class Sighting:
    """One candidate region of one observation."""

    mask: np.ndarray  # bool, analysis size
    bbox: tuple[int, int, int, int]  # frame pixels
    measure: float  # area in m2 (calibrated) or frame pixels
    stable: bool
    info: dict[str, object] = field(default_factory=dict)  # carried into Track.extra


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
        >>> t.update([Sighting(m, (1, 1, 3, 3), 4.0, False)], 0.0, at)
        []
        >>> [e.action for e in t.update([Sighting(m, (1, 1, 3, 3), 4.0, True)], 60.0, at)]
        ['open']
    """

    def __init__(self, persist_observations: int, persist_min_s: float, growth_ratio: float):
        self.m = persist_observations
        self.t = persist_min_s
        self.growth = growth_ratio
        self.tracks: list[Track] = []
        self._next = 1

    def reset(self) -> None:
        self.tracks = [tr for tr in self.tracks if tr.phase is Phase.REPORTED]

    def _match(self, s: Sighting, free: list[Track]) -> Track | None:
        best = max(free, key=lambda tr: _overlap(s.mask, tr.mask), default=None)
        return best if best is not None and _overlap(s.mask, best.mask) >= 0.5 else None

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
            seen = Seen.STABLE if s.stable else Seen.UNSTABLE
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
            tr.extra = dict(s.info)
        if action == "count":
            tr.hits += 1
            if tr.hits >= self.m and pts - tr.first_pts >= self.t:
                tr.phase, tr.reported_measure = Phase.REPORTED, tr.measure
                return [TrackEvent("open", tr)]
        elif action == "restart":
            tr.hits, tr.first_pts, tr.first_at = 1, pts, at
        elif action == "drop":
            self.tracks.remove(tr)
        elif action == "grow" and tr.measure >= tr.reported_measure * (1 + self.growth):
            tr.reported_measure = tr.measure
            return [TrackEvent("grow", tr)]
        elif action == "fade":
            tr.misses += 1
            if tr.misses >= self.m and pts - tr.last_pts >= self.t:
                self.tracks.remove(tr)
                return [TrackEvent("clear", tr)]
        return []
