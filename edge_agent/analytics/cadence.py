"""Which keyframes of a camera go to the detector: adaptive cadence and change gating.

Pure and per camera. Each keyframe gets one :class:`Decision`:

| the keyframe against the last analysed one (thumbnails)              | decision |
|----------------------------------------------------------------------|----------|
| nothing analysed yet, the stream jumped back, or ``max_age_s`` since | ANALYSE  |
| hardly changed (< ``gate_changed_fraction``)                         | GATED    |
| busy camera (a zone near advisory or one person from it, rising or   | ANALYSE  |
| alarmed), changed                                                    |          |
| quiet camera, changed much (>= ``wake_fraction`` + what enough new   | ANALYSE  |
| people to make it busy would change: people arriving, see below)     |          |
| quiet camera, its quiet period since the last analysis               | ANALYSE  |
| quiet camera, changed a little, not yet due                          | SKIPPED  |

What wakes a quiet camera: a change that people arriving in numbers could make, enough of them
to take the busiest zone to ``near_fraction`` of its advisory level. People change about twice
the share of the picture their boxes cover (where they stood and where they walked to), so the
``c`` people counted at the last analysis, covering ``S``, explain ``2 S`` of change, and the
``c (near / p - 1)`` more it takes to be busy (``p``: that zone's :func:`pressure`) would add
``2 S (near / p - 1)``: the camera wakes at ``wake_fraction + 2 S near / p``, never above
:data:`WAKE_CEILING`. With nobody counted it wakes at ``wake_fraction``: the first arrivals
are looked at, and tell how large a person is on this camera. One person walking through a
quiet lane changes 0.05-0.4 of the thumbnail on one-by-one-person.mp4 (a person is 4-5% of
the frame); waking on that, a lane with one passer-by and an advisory level of 15 was analysed
on every keyframe. Waking only makes a look earlier: the quiet period bounds it anyway.

The quiet period (:func:`quiet_period`): ``quiet_every_s`` while the busiest zone is at half of
``near_fraction`` or above; farther below, longer in proportion, up to ``max_age_s`` (an empty
lane at night), but only where :data:`LOOK_SPARE_PEOPLE` or more people are needed to make it
busy. A lane at 1/15 of advisory would need eight times its people to be busy, and
arrivals in such numbers wake it; its periodic look only refreshes a count far from any level.

ANALYSE runs the detector; GATED carries the last detections over (they still describe the
picture) and runs every analytic; SKIPPED runs only the analytics that do not count people
(construction, camera health keep their own, lower cadences). Stream time only.

Example:
    >>> from edge_agent.config.cadence import CadenceSettings
    >>> c = CameraCadence(CadenceSettings(quiet_every_s=5, gate_changed_fraction=0.0))
    >>> still = np.zeros((36, 64, 3), np.uint8)
    >>> c.decide(0.0, still).value
    'analyse'
    >>> c.analysed(0.0, still, {"lane": 0.0})  # an empty lane: looked at every max_age_s
    >>> [c.decide(t, still).value for t in (1.0, 9.0, 10.0)]
    ['skipped', 'skipped', 'analyse']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import cv2
import numpy as np

from edge_agent.config.cadence import CadenceSettings
from edge_agent.config.models import CrowdThresholds
from edge_agent.contract.incident import Level
from edge_agent.zones.metrics import ZoneMetrics

__all__ = [
    "Decision",
    "CameraCadence",
    "CadenceCounts",
    "thumbnail",
    "changed_fraction",
    "pressure",
    "box_share",
    "wake_level",
    "quiet_period",
    "person_pressure",
    "people_to_busy",
    "LOOK_SPARE_PEOPLE",
    "ONE_ARRIVAL",
    "WAKE_CEILING",
]

#: A quiet camera's reader leaves keyframes undecoded (``quiet_look_every_s``) only where at
#: least this many more people are needed to make a zone busy: an alley that alarms on one
#: person could have them on just the keyframe not looked at.
LOOK_SPARE_PEOPLE = 2.0
#: A zone that fewer people than this would make busy is busy already: an alley that alarms on
#: one person is one arrival from it however empty it is, and a small far-off person changes too
#: little of the picture to wake it.
ONE_ARRIVAL = 1.0
#: A quiet camera whose thumbnail changed by this share or more is always analysed at once,
#: however far from busy its zones were (a view turned, a crowd of people small on screen).
WAKE_CEILING = 0.5


class Decision(StrEnum):
    ANALYSE = "analyse"  # the detector runs
    GATED = "gated"  # unchanged picture: the last detections are carried over
    SKIPPED = "skipped"  # quiet camera, not due: people are not counted on this keyframe


def thumbnail(image: np.ndarray, side: int) -> np.ndarray:
    """A grey picture whose longer side is ``side`` px, by area averaging (sensor noise and
    compression ringing average out; well under a millisecond for a 768x432 frame).

    ``image``: grey ``(h, w)`` (a frame's :attr:`~edge_agent.frames.Frame.gray`, the decoder's
    luma: no colour conversion) or BGR ``(h, w, 3)``."""
    h, w = image.shape[:2]
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return small.astype(np.float32)


def changed_fraction(a: np.ndarray, b: np.ndarray, pixel_delta: int) -> float:
    """Share of thumbnail pixels whose grey level moved by ``pixel_delta`` or more."""
    if a.shape != b.shape:
        return 1.0  # the stream changed size: everything changed
    return float((np.abs(a - b) >= pixel_delta).mean())


def box_share(xyxy: np.ndarray, width: int, height: int) -> float:
    """Share of a ``width`` x ``height`` picture the boxes cover (overlaps counted twice).

    Example:
        >>> box_share(np.array([[0, 0, 10, 10], [20, 20, 30, 30]], float), 100, 100)
        0.02
    """
    if not len(xyxy):
        return 0.0
    sides = np.clip(xyxy[:, 2:] - xyxy[:, :2], 0, None)
    return min(1.0, float((sides[:, 0] * sides[:, 1]).sum()) / max(width * height, 1))


def wake_level(
    settings: CadenceSettings, pressures: Mapping[str, float], people_share: float
) -> float:
    """The changed share at which a quiet camera is analysed at once (see the module).

    Example (one person covering 4.5% of the picture in a lane at 1/15 of advisory):
        >>> s = CadenceSettings()
        >>> round(wake_level(s, {"lane": 1 / 15}, 0.045), 3), wake_level(s, {"lane": 0.0}, 0.0)
        (0.5, 0.02)
        >>> round(wake_level(s, {"lane": 0.25}, 0.045), 3)
        0.2
    """
    explained = min(1.0, 2.0 * people_share)
    busiest = max(pressures.values(), default=0.0)
    headroom = settings.near_fraction / busiest if busiest > 0 else 1.0
    ceiling = max(WAKE_CEILING, settings.wake_fraction)  # a configured level above it holds
    return min(ceiling, settings.wake_fraction + explained * max(1.0, headroom))


def quiet_period(
    settings: CadenceSettings, pressures: Mapping[str, float], spare_people: float = float("inf")
) -> float:
    """Stream seconds between a quiet camera's analyses (see the module); ``spare_people``: how
    many more people the zone nearest to busy needs (:func:`people_to_busy`). Fewer than
    :data:`LOOK_SPARE_PEOPLE`: never stretched (an alley that alarms on one person is one
    arrival from busy however empty it is, and a small far-off person may not wake it).

    Example (defaults: every 5 s, at most 10 s, near at 0.5 of advisory):
        >>> s = CadenceSettings()
        >>> [quiet_period(s, {"lane": p}) for p in (0.4, 0.25, 0.2, 1 / 15, 0.0)]
        [5.0, 5.0, 6.25, 10.0, 10.0]
        >>> quiet_period(s, {"alley": 0.0}, spare_people=0.5)  # advisory at one person
        5.0
    """
    busiest = max(pressures.values(), default=0.0)
    half = settings.near_fraction / 2
    if spare_people < LOOK_SPARE_PEOPLE:
        return settings.quiet_every_s
    if busiest <= 0:
        return settings.max_age_s
    stretched = settings.quiet_every_s * max(1.0, half / busiest)
    return min(settings.max_age_s, stretched)


def person_pressure(thresholds: CrowdThresholds, area_m2: float | None) -> float:
    """What one more person adds to a zone's :func:`pressure`.

    Example:
        >>> round(person_pressure(CrowdThresholds(advisory_count=15), None), 4)
        0.0667
        >>> person_pressure(CrowdThresholds(advisory_density=1.0), 50.0)
        0.02
    """
    if area_m2 is None:
        return 1.0 / thresholds.advisory_count
    return 1.0 / (thresholds.advisory_density * area_m2)


def people_to_busy(
    settings: CadenceSettings, pressures: Mapping[str, float], per_person: Mapping[str, float]
) -> float:
    """How many more people the zone nearest to busy needs to be busy (``inf``: no zones).

    Example:
        >>> people_to_busy(CadenceSettings(), {"lane": 0.1, "alley": 0.0}, {"lane": 0.1, "alley": 1})
        0.5
    """
    return min(
        (
            max(0.0, settings.near_fraction - p) / per_person[zid]
            for zid, p in pressures.items()
            if per_person.get(zid, 0) > 0
        ),
        default=float("inf"),
    )


def pressure(metrics: ZoneMetrics, thresholds: CrowdThresholds) -> float:
    """How close a zone is to its advisory level (1.0 = at it); an alarmed zone counts as at it.

    Example:
        >>> from edge_agent.contract.incident import Level
        >>> pressure(ZoneMetrics("lane", 3, None, None, Level.NORMAL, 3.0),
        ...          CrowdThresholds(advisory_count=6))
        0.5
    """
    if metrics.level is not Level.NORMAL:
        return max(1.0, _ratio(metrics, thresholds))
    return _ratio(metrics, thresholds)


def _ratio(m: ZoneMetrics, t: CrowdThresholds) -> float:
    if m.density is not None:
        return max(m.density, m.smoothed) / t.advisory_density
    return max(float(m.count), m.smoothed) / t.advisory_count


@dataclass
class CadenceCounts:
    """Keyframes per decision since the start: the camera's analysis rate and gated frames."""

    analysed: int = 0
    gated: int = 0
    skipped: int = 0

    def add(self, decision: Decision) -> None:
        name = {Decision.ANALYSE: "analysed", Decision.GATED: "gated"}.get(decision, "skipped")
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class CameraCadence:
    """The decision state of one camera: when it last ran the detector, what it saw then."""

    settings: CadenceSettings
    counts: CadenceCounts = field(default_factory=CadenceCounts)
    _last_pts: float | None = None
    _due: float | None = None
    _reference: np.ndarray | None = None
    _pressure: dict[str, float] = field(default_factory=dict)
    _wake_at: float = 0.0
    #: More people the zone nearest to busy needed, at the last analysis or carried keyframe.
    _spare_people: float = float("inf")
    #: The thumbnail of the last keyframe decided on, by (pts, id of its picture): the analysis
    #: that follows takes it as its reference instead of shrinking the frame again.
    _seen: tuple[tuple[float, int], np.ndarray] | None = None

    def decide(self, pts: float, image: np.ndarray) -> Decision:
        """What to do with the keyframe at ``pts`` (counted in :attr:`counts`)."""
        decision = self._decide(pts, image)
        self.counts.add(decision)
        return decision

    def _decide(self, pts: float, image: np.ndarray) -> Decision:
        s = self.settings
        last = self._last_pts
        if not (s.adaptive or s.gate):
            return Decision.ANALYSE
        if last is None or self._reference is None or pts < last or pts - last >= s.max_age_s:
            return Decision.ANALYSE
        thumb = thumbnail(image, s.gate_side)
        self._seen = ((pts, id(image)), thumb)
        changed = changed_fraction(thumb, self._reference, s.gate_pixel_delta)
        if s.gate and changed < s.gate_changed_fraction:
            return Decision.GATED
        quiet = s.adaptive and self._due is not None
        woken = changed >= self._wake_at
        if not quiet or woken or pts >= self._due:  # type: ignore[operator]
            return Decision.ANALYSE
        return Decision.SKIPPED

    def analysed(
        self,
        pts: float,
        image: np.ndarray,
        pressures: Mapping[str, float],
        people_share: float = 0.0,
        spare_people: float = float("inf"),
    ) -> None:
        """The detector ran on the keyframe at ``pts``; ``pressures``: each zone's :func:`pressure`;
        ``people_share``: the share of the picture the people found there cover;
        ``spare_people``: how many more the zone nearest to busy needs (:func:`people_to_busy`)."""
        s = self.settings
        self._wake_at = wake_level(s, pressures, people_share)
        self._spare_people = spare_people
        busy = spare_people < ONE_ARRIVAL or any(
            p >= s.near_fraction or p - self._pressure.get(zid, 0.0) >= s.rising_fraction
            for zid, p in pressures.items()
        )
        self._last_pts = pts
        period = quiet_period(s, pressures, spare_people)
        self._due = None if busy or not s.adaptive else pts + period
        self._pressure = dict(pressures)
        seen = self._seen
        same = seen is not None and seen[0] == (pts, id(image))
        self._reference = seen[1] if seen is not None and same else thumbnail(image, s.gate_side)

    def next_look(self, pts: float) -> float | None:
        """After the keyframe at ``pts``: the stream time before which this camera needs no
        picture (a quiet camera: ``quiet_look_every_s`` on, never past its due time or its
        maximum age); ``None``: every keyframe (busy, nothing analysed yet, or fewer than
        :data:`LOOK_SPARE_PEOPLE` more people would make it busy)."""
        s, due, last = self.settings, self._due, self._last_pts
        if not s.adaptive or due is None or last is None or s.quiet_look_every_s <= 0:
            return None
        if self._spare_people < LOOK_SPARE_PEOPLE:
            return None
        return min(pts + s.quiet_look_every_s, due, last + s.max_age_s)

    def carried(
        self, pts: float, pressures: Mapping[str, float], spare_people: float = float("inf")
    ) -> None:
        """A gated keyframe: the zones' pressures still decide the next due time."""
        s = self.settings
        self._spare_people = spare_people
        busy = spare_people < ONE_ARRIVAL or any(p >= s.near_fraction for p in pressures.values())
        if not busy and s.adaptive and self._last_pts is not None:
            self._due = pts + quiet_period(s, pressures, spare_people)
