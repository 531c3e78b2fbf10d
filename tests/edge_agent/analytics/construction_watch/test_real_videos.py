"""Zero construction incidents on the real fixed-camera clips, retimed into a timelapse.

The clips last seconds, so to exercise the persistence rule their frames are *retimed*: 12 moments
spread evenly over the clip become 12 timelapse steps 10 minutes of stream time apart, each a burst
of 3 frames (0.2-0.4 s apart in the clip, 2 s apart in the retimed stream). With the default
persistence (3 observations over 30 minutes) the whole clip is 2 hours of watch. The real YOLOX
detector masks people and vehicles where it finds them (it misses most top-down cars in the car
park, so that clip also tests the rules without masks).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from edge_agent.frames import Frame
from tests.edge_agent.analytics.construction_watch.harness import feed, make_watch

STEP_S = 600.0
MOMENTS = 12
BURST = 3


def retimed(scenario: ModuleType, clip: str) -> Iterator[Frame]:
    """Frames of ``clip`` at ``MOMENTS`` evenly spread places, with timelapse pts (only those
    frames are converted: the harness's reader)."""
    n = scenario.frame_count(clip)
    stride = max(1, n // 60)  # frames of one burst a few clip frames apart
    starts = [round(i * (n - BURST * stride) / (MOMENTS - 1)) for i in range(MOMENTS)]
    picks = [start + b * stride for start in starts for b in range(BURST)]
    images = scenario.read_frames(clip, picks)
    for k, idx in enumerate(picks):
        m, b = divmod(k, BURST)
        yield Frame("cam1", images[idx], m * STEP_S + 2.0 * b, k, True)


@pytest.mark.parametrize(
    "clip", ["one-by-one-person.mp4", "car-park.mp4", "highway.avi", "road.avi"]
)
def test_real_clip_raises_no_construction(
    scenario: ModuleType, comparator, detector, tmp_path: Path, clip: str
) -> None:
    """Whole frame, no calibration (min area in pixels, as the replay CLI runs it)."""
    watch = make_watch(tmp_path, None, comparator)
    run = feed(retimed(scenario, clip), watch, detector)
    assert run.frames == MOMENTS * BURST
    assert run.observations >= MOMENTS - 6  # reference from 5 moments, then one per moment
    assert run.incidents == []
    assert watch.where.zone == "frame" and watch.where.grid_cell == "unassigned"
