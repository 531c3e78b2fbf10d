"""Tiles cover the frame, boxes come back in frame pixels, duplicates across tiles merge."""

from __future__ import annotations

import numpy as np
import pytest

from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect import Detector
from edge_agent.detect.slicing import shift, tile_windows, views
from edge_agent.detections import Detections
from tests.edge_agent.detect.fakes import EchoSession, WhiteBoxAdapter


@pytest.mark.parametrize(
    ("width", "height", "tile", "overlap"),
    [(1920, 1080, 416, 0.2), (768, 432, 320, 0.2), (768, 432, 432, 0.0), (1000, 300, 256, 0.5),
     (200, 100, 416, 0.2), (417, 416, 416, 0.1)],
)  # fmt: skip
def test_tiles_cover_frame_with_overlap(width, height, tile, overlap):
    windows = tile_windows(width, height, tile, overlap)
    covered = np.zeros((height, width), bool)
    for x0, y0, x1, y1 in windows:
        assert (x1 - x0, y1 - y0) == (min(tile, width), min(tile, height))
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    xs = sorted({w[0] for w in windows})
    steps = np.diff(xs)
    assert np.all(steps <= tile * (1 - overlap))  # neighbours overlap at least as asked


@pytest.mark.parametrize(
    ("slicing", "count", "first"),
    [
        (None, 1, (0, 0, 768, 432)),
        (SlicingConfig(tile=432, overlap=0.2, full_frame=True), 3, (0, 0, 768, 432)),
        (SlicingConfig(tile=432, overlap=0.2, full_frame=False), 2, (0, 0, 432, 432)),
        (SlicingConfig(tile=1024, full_frame=True), 1, (0, 0, 768, 432)),  # one tile = the frame
    ],
)
def test_views(slicing, count, first):
    got = views(768, 432, slicing)
    assert len(got) == count and got[0] == first


def test_shift():
    d = Detections(np.array([[1, 2, 3, 4]], np.float32), np.array([0.5]), np.array([0]))
    assert shift(d, 10, 20).xyxy.tolist() == [[11, 22, 13, 24]]


# 700x400 black frame; tiles of 256 with 20% overlap start at x = 0, 222, 444 and y = 0, 144.
INSIDE = (20, 20, 60, 100)  # wholly inside the first tile
ACROSS = (230, 30, 270, 120)  # cut by the first tile's right edge (256), whole in the second
# Taller than the tiles' overlap: cut in every tile, whole only in the full frame.
TALL = (500, 60, 540, 390)
CASES = [
    (SlicingConfig(tile=256, overlap=0.2, full_frame=True), True, [INSIDE, ACROSS, TALL]),
    (SlicingConfig(tile=256, overlap=0.2, full_frame=True), False, [INSIDE, ACROSS, TALL]),
    (SlicingConfig(tile=256, overlap=0.2, full_frame=False), True, [INSIDE, ACROSS]),
    (SlicingConfig(tile=256, overlap=0.2, full_frame=False), False, [INSIDE, ACROSS]),
    (None, True, [INSIDE, ACROSS, TALL]),
]


@pytest.mark.parametrize(("slicing", "batchable", "expected"), CASES)
def test_sliced_detection_merges_back_to_frame_boxes(slicing, batchable, expected):
    frame = np.zeros((400, 700, 3), np.uint8)
    for x0, y0, x1, y1 in expected:
        frame[y0:y1, x0:x1] = 255
    session = EchoSession()
    detector = Detector(session, WhiteBoxAdapter(batchable), ModelConfig())
    found = detector.detect(frame, slicing)
    assert sorted(map(tuple, found.xyxy.astype(int).tolist())) == sorted(expected)
    runs = len(views(700, 400, slicing))
    assert session.batches == ([runs] if batchable else [1] * runs)
