"""The persistence rules of :mod:`edge_agent.analytics.construction_watch.tracker`, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from edge_agent.analytics.construction_watch.tracker import RULES, Phase, Sighting, Tracker

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
STEADY = np.ones((40, 40), bool)
CHANGED = np.zeros((40, 40), bool)


def box(x1: int, y1: int, x2: int, y2: int) -> np.ndarray:
    m = np.zeros((40, 40), bool)
    m[y1:y2, x1:x2] = True
    return m


def sight(mask: np.ndarray, steady: np.ndarray | None = STEADY) -> Sighting:
    ys, xs = np.nonzero(mask)
    bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return Sighting(mask, bbox, float(mask.sum()), steady, {"area_px": int(mask.sum())})


def measure(mask: np.ndarray) -> tuple[float, dict[str, object]]:
    return float(mask.sum()), {"area_px": int(mask.sum())}


SHED = box(5, 5, 15, 15)

# Each row: sightings per observation (None = nothing seen), minutes between observations,
# and the actions expected per observation.
CASES = {
    "opens after 3 stable sightings over 30 min": (
        [[sight(SHED, None)], [sight(SHED)], [sight(SHED)]],
        15,
        [[], [], ["open"]],
    ),
    "3 sightings in 10 min are not enough": (
        [[sight(SHED, None)], [sight(SHED)], [sight(SHED)], [sight(SHED)]],
        5,
        [[], [], [], []],
    ),
    "...until they span 30 min": (
        [[sight(SHED, None)]] + [[sight(SHED)]] * 6,
        5,
        [[]] * 6 + [["open"]],
    ),
    "an overlay clock changes each time: never": (
        [[sight(SHED, None)]] + [[sight(SHED, CHANGED)]] * 6,
        15,
        [[]] * 7,
    ),
    "a gap drops a candidate": (
        [[sight(SHED, None)], [sight(SHED)], None, [sight(SHED)], [sight(SHED)]],
        15,
        [[], [], [], [], []],
    ),
    "an occluded sighting waits, does not reset": (
        [[sight(SHED, None)], [sight(SHED)], [sight(SHED, CHANGED)], [sight(SHED)]],
        15,
        [[], [], [], ["open"]],
    ),
    "growth seen in 2 of the last 3 updates; a wobble or one large outline does not": (
        [
            [sight(SHED, None)],
            [sight(SHED)],
            [sight(SHED)],
            [sight(box(5, 5, 15, 16))],  # +10 %: a wobble
            [sight(box(5, 5, 15, 25))],  # larger once (measured near the last outline: 150)
            [sight(SHED)],
            [sight(SHED)],
            [sight(box(5, 5, 15, 25))],  # larger (140)...
            [sight(box(5, 5, 15, 25))],  # ...again (200): the median of 3 grew
            [sight(box(5, 5, 15, 25))],  # reported already
        ],
        15,
        [[], [], ["open"], [], [], [], [], [], ["grow"], []],
    ),
    "a reported structure gone for 30 min is cleared": (
        [[sight(SHED, None)], [sight(SHED)], [sight(SHED)], None, None, None],
        15,
        [[], [], ["open"], [], [], ["clear"]],
    ),
}


@pytest.mark.parametrize(("frames", "minutes", "expected"), CASES.values(), ids=CASES.keys())
def test_persistence_rules(frames, minutes: int, expected: list[list[str]]) -> None:
    t = Tracker(persist_observations=3, persist_min_s=1800, growth_ratio=0.25, measure=measure)
    got = []
    for i, seen in enumerate(frames):
        at = T0 + timedelta(minutes=minutes * i)
        got.append([e.action for e in t.update(seen or [], minutes * 60.0 * i, at)])
    assert got == expected


def test_reported_measure_excludes_a_van_parked_against_it() -> None:
    """The part of a region not in the previous sighting is left out of area and box."""
    t = Tracker(3, 1800, 0.15, measure=measure)
    t.update([sight(SHED, None)], 0, T0)
    t.update([sight(SHED)], 900, T0 + timedelta(minutes=15))
    van = SHED | box(15, 5, 35, 15)
    (ev,) = t.update([sight(van)], 1800, T0 + timedelta(minutes=30))
    assert ev.action == "open"
    # measured within 4 px of the last outline (slack for misalignment), not the whole van
    assert ev.track.measure == SHED.sum() + 4 * 10 and ev.track.bbox == (5, 5, 19, 15)
    assert ev.track.first_at == T0


def test_every_phase_has_a_rule_for_every_outcome() -> None:
    phases = {p for p, _ in RULES}
    assert phases == set(Phase)
    assert len(RULES) == len(Phase) * 3
