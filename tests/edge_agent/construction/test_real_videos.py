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

import av
import pytest

from edge_agent.frames import Frame
from tests.edge_agent.construction.harness import feed, make_watch

STEP_S = 600.0
MOMENTS = 12
BURST = 3


def retimed(path: Path) -> Iterator[Frame]:
    """Frames of ``path`` at ``MOMENTS`` evenly spread places, with timelapse pts."""
    with av.open(str(path)) as c:
        images = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]
    stride = max(1, len(images) // 60)  # frames of one burst a few clip frames apart
    starts = [round(i * (len(images) - BURST * stride) / (MOMENTS - 1)) for i in range(MOMENTS)]
    for m, start in enumerate(starts):
        for b in range(BURST):
            pts = m * STEP_S + 2.0 * b
            yield Frame("cam1", images[start + b * stride], pts, m * BURST + b, True)


@pytest.mark.parametrize(
    "clip", ["one-by-one-person.mp4", "car-park.mp4", "highway.avi", "road.avi"]
)
def test_real_clip_raises_no_construction(
    shared_data: Path, comparator, detector, tmp_path: Path, clip: str
) -> None:
    """Whole frame, no calibration (min area in pixels, as the replay CLI runs it)."""
    watch = make_watch(tmp_path, None, comparator)
    run = feed(retimed(shared_data / "video" / clip), watch, detector)
    assert run.frames == MOMENTS * BURST
    assert run.observations >= MOMENTS - 6  # reference from 5 moments, then one per moment
    assert run.incidents == []
    assert watch.where.zone == "frame" and watch.where.grid_cell == "unassigned"
