"""Score/class filtering, per-class NMS and the merge of views, on hand-made boxes."""

from __future__ import annotations

import numpy as np
import pytest

from edge_agent.detect.nms import ios_matrix, iou_matrix, keep_wanted, merge_views, nms
from edge_agent.detections import Detections


def dets(rows):
    """rows of (x1, y1, x2, y2, score, class)."""
    a = np.array(rows, np.float32).reshape(-1, 6)
    return Detections(a[:, :4], a[:, 4], a[:, 5].astype(np.int32))


@pytest.mark.parametrize(
    ("a", "b", "iou", "ios"),
    [
        ([0, 0, 10, 10], [0, 0, 10, 10], 1.0, 1.0),
        ([0, 0, 10, 10], [5, 0, 15, 10], 50 / 150, 0.5),
        ([0, 0, 10, 10], [0, 0, 10, 5], 0.5, 1.0),
        ([0, 0, 10, 10], [20, 20, 30, 30], 0.0, 0.0),
        ([0, 0, 10, 10], [3, 3, 3, 3], 0.0, 0.0),  # empty box
    ],
)
def test_overlap_measures(a, b, iou, ios):
    a, b = np.array([a], np.float32), np.array([b], np.float32)
    assert iou_matrix(a, b)[0, 0] == pytest.approx(iou)
    assert ios_matrix(a, b)[0, 0] == pytest.approx(ios)


@pytest.mark.parametrize(
    ("rows", "iou", "kept_scores"),
    [
        ([[0, 0, 10, 10, 0.9, 0], [1, 1, 11, 11, 0.8, 0]], 0.5, [0.9]),  # IoU 0.68: dropped
        ([[0, 0, 10, 10, 0.9, 0], [1, 1, 11, 11, 0.8, 0]], 0.7, [0.9, 0.8]),  # below 0.7: kept
        ([[0, 0, 10, 10, 0.9, 0], [1, 1, 11, 11, 0.8, 2]], 0.5, [0.9, 0.8]),  # other class
        ([[0, 0, 10, 10, 0.7, 0], [0, 0, 10, 10, 0.9, 0], [50, 50, 60, 60, 0.8, 0]], 0.5,
         [0.9, 0.8]),
        ([], 0.5, []),
    ],
)  # fmt: skip
def test_nms_per_class(rows, iou, kept_scores):
    np.testing.assert_allclose(nms(dets(rows), iou).confidence, kept_scores, rtol=1e-6)


def test_nms_caps_candidates():
    rows = [[i * 20, 0, i * 20 + 10, 10, 0.5 + i / 1000, 0] for i in range(50)]
    kept = nms(dets(rows), 0.5, max_candidates=10)
    assert len(kept) == 10 and kept.confidence.min() == pytest.approx(0.5 + 40 / 1000)


@pytest.mark.parametrize(
    ("confidence", "classes", "count"),
    [(0.5, [0], 2), (0.5, [0, 2], 3), (0.85, [0, 2], 1), (0.1, [1], 0)],
)
def test_keep_wanted(confidence, classes, count):
    d = dets(
        [[0, 0, 1, 1, 0.9, 0], [0, 0, 1, 1, 0.6, 0], [0, 0, 1, 1, 0.7, 2], [0, 0, 1, 1, 0.3, 0]]
    )
    assert len(keep_wanted(d, confidence, classes)) == count


def test_merge_views_absorbs_cut_copies_into_union():
    whole_frame = dets([[100, 0, 140, 200, 0.7, 0]])
    tile_a = dets([[100, 0, 140, 90, 0.95, 0]])  # upper half, cut by the tile edge
    tile_b = dets([[100, 80, 140, 200, 0.8, 0], [300, 0, 340, 50, 0.6, 0]])
    merged = merge_views([whole_frame, tile_a, tile_b], iou=0.5)
    assert merged.xyxy.tolist() == [[100, 0, 140, 200], [300, 0, 340, 50]]
    np.testing.assert_allclose(merged.confidence, [0.95, 0.6])


def test_merge_views_keeps_close_people_of_one_view_apart():
    """In a crowd one view's boxes may nest (a child in front of an adult): never merged."""
    view = dets([[0, 0, 40, 100, 0.9, 0], [5, 50, 30, 100, 0.8, 0]])
    assert len(merge_views([view], iou=0.5)) == 2
    assert len(merge_views([view, dets([])], iou=0.5)) == 2


def test_merge_views_never_merges_other_classes():
    a, b = dets([[0, 0, 10, 10, 0.9, 0]]), dets([[0, 0, 10, 10, 0.9, 2]])
    assert sorted(merge_views([a, b], iou=0.5).class_id.tolist()) == [0, 2]
