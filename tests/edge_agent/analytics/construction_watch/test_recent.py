"""The frames a watch keeps between observations, which fill a background from sparse input."""

from __future__ import annotations

import numpy as np

from edge_agent.analytics.construction_watch.background import Recent, masked_median


def _frame(value: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((4, 4), value, np.uint8), np.zeros((4, 4), bool)


def test_kept_frames_are_spaced_bounded_and_built_only_when_kept() -> None:
    recent, built = Recent(3), []

    def make(v: int):
        def build():
            built.append(v)
            return _frame(v)

        return build

    for pts in (0.0, 100.0, 300.0, 600.0, 900.0, 1200.0):
        recent.offer(pts, make(int(pts // 100)), 250.0)
    assert [p for p, _, _ in recent.items] == [600.0, 900.0, 1200.0]  # 100 s: too close
    assert built == [0, 3, 6, 9, 12]


def test_a_single_snapshot_is_topped_up_and_a_person_voted_out() -> None:
    """Four snapshots of the empty square, then one with a person: the median shows the square."""
    recent = Recent(5)
    for pts in (0.0, 300.0, 600.0, 900.0):
        recent.offer(pts, lambda: _frame(100), 0.0)
    person = np.full((4, 4), 100, np.uint8)
    person[1:3, 1:3] = 250
    own, mask = [person], [np.zeros((4, 4), bool)]
    recent.offer(1200.0, lambda: (own[0], mask[0]), 0.0)  # the observation's own frame is kept
    images, masks = recent.newest(1200.0 - 1800.0, own, mask, 5)
    assert len(images) == 5 and images[-1] is own[0]  # no frame twice
    assert int(masked_median(images, masks).max()) == 100
    # frames older than the span are not used
    images, _ = recent.newest(1200.0 - 400.0, own, mask, 5)
    assert len(images) == 2
