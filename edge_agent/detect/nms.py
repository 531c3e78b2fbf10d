"""Score filtering and per-class non-maximum suppression on :class:`Detections` (pure numpy)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from edge_agent.detections import Detections

__all__ = ["keep_wanted", "nms", "iou_matrix", "MAX_CANDIDATES"]

#: Boxes that enter NMS at most (best scores first).
MAX_CANDIDATES = 3000


def keep_wanted(dets: Detections, min_confidence: float, classes: Iterable[int]) -> Detections:
    """Only boxes scoring at least ``min_confidence`` whose class is in ``classes``."""
    wanted = np.isin(dets.class_id, np.fromiter(classes, dtype=np.int32))
    return dets[wanted & (dets.confidence >= min_confidence)]


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(a), len(b))`` intersection over union of two sets of xyxy boxes."""
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area_a = np.prod(np.clip(a[:, 2:] - a[:, :2], 0, None), axis=1)
    area_b = np.prod(np.clip(b[:, 2:] - b[:, :2], 0, None), axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _nms_indices(xyxy: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    order = np.argsort(-scores, kind="stable")
    keep: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        overlaps = iou_matrix(xyxy[best : best + 1], xyxy[rest])[0]
        order = rest[overlaps <= iou]
    return keep


def nms(dets: Detections, iou: float, max_candidates: int = MAX_CANDIDATES) -> Detections:
    """Per-class NMS: a box is dropped when a higher-scoring box of its class overlaps it > ``iou``.

    Only the ``max_candidates`` best-scoring boxes enter, which bounds the cost on a noisy model.

    Example:
        >>> d = Detections(np.array([[0, 0, 10, 10], [1, 1, 10, 10], [0, 0, 10, 10]], np.float32),
        ...                np.array([0.9, 0.8, 0.7], np.float32), np.array([0, 0, 2], np.int32))
        >>> nms(d, 0.5).class_id.tolist()
        [0, 2]
    """
    if len(dets) < 2:
        return dets
    if len(dets) > max_candidates:
        dets = dets[np.argsort(-dets.confidence, kind="stable")[:max_candidates]]
    keep: list[int] = []
    for cls in np.unique(dets.class_id):
        idx = np.flatnonzero(dets.class_id == cls)
        keep.extend(idx[_nms_indices(dets.xyxy[idx], dets.confidence[idx], iou)].tolist())
    keep_arr = np.array(sorted(keep, key=lambda i: -dets.confidence[i]), dtype=np.int64)
    return dets[keep_arr]
