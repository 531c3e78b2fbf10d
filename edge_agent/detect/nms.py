"""Score filtering and per-class non-maximum suppression on :class:`Detections` (pure numpy)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from edge_agent.detections import Detections

__all__ = ["keep_wanted", "nms", "iou_matrix", "ios_matrix", "merge_views", "MAX_CANDIDATES"]

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


def ios_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(a), len(b))`` intersection over the smaller of the two areas."""
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area_a = np.prod(np.clip(a[:, 2:] - a[:, :2], 0, None), axis=1)
    area_b = np.prod(np.clip(b[:, 2:] - b[:, :2], 0, None), axis=1)
    smaller = np.minimum(area_a[:, None], area_b[None, :])
    return np.divide(inter, smaller, out=np.zeros_like(inter), where=smaller > 0)


def merge_views(parts: list[Detections], iou: float, ios: float = 0.6) -> Detections:
    """Merge the boxes of several views (tiles, whole frame) of one frame into one set.

    Each view gets plain NMS. Across views, tiles cut people: a tile sees half a person while the
    whole frame or the next tile sees all of them, so IoU is low and NMS alone keeps both. Here the
    best-scoring box absorbs every same-class box *of another view* whose IoU exceeds ``iou`` or
    whose intersection over the smaller area exceeds ``ios``, and grows to their union: the merged
    box keeps the full extent (and the feet, which zone membership uses). Boxes of one view are
    never merged with each other, so people standing close in a crowd stay apart.

    Example:
        >>> full = Detections(np.array([[0, 0, 10, 40]], np.float32), np.array([0.6], np.float32),
        ...                   np.array([0], np.int32))
        >>> half = Detections(np.array([[0, 0, 10, 18]], np.float32), np.array([0.9], np.float32),
        ...                   np.array([0], np.int32))
        >>> merged = merge_views([full, half], iou=0.5)
        >>> merged.xyxy.tolist(), merged.confidence.tolist()
        ([[0.0, 0.0, 10.0, 40.0]], [0.8999999761581421])
    """
    kept = [nms(p, iou) for p in parts]
    dets = Detections.concat(kept)
    if len(kept) < 2 or len(dets) < 2:
        return dets
    view = np.concatenate([np.full(len(p), i) for i, p in enumerate(kept)])
    order = np.argsort(-dets.confidence, kind="stable")
    xyxy, cls, view = dets.xyxy[order], dets.class_id[order], view[order]
    free = np.ones(len(order), dtype=bool)
    boxes, picked = [], []
    for i in range(len(order)):
        if not free[i]:
            continue
        free[i] = False
        mates = free & (cls == cls[i]) & (view != view[i])
        boxes.append(_absorb(xyxy[i], xyxy, mates, free, (iou, ios)))
        picked.append(order[i])
    return Detections(np.array(boxes, np.float32), dets.confidence[picked], dets.class_id[picked])


def _absorb(
    box: np.ndarray, xyxy: np.ndarray, mates: np.ndarray, free: np.ndarray, limits: tuple
) -> list[float]:
    """Grow ``box`` by every mate close to it, again with the grown box, until none is left.

    Absorbed mates are marked taken in ``free``; returns the final union box.
    """
    union = box.copy()
    while True:
        idx = np.flatnonzero(mates & free)
        if not idx.size:
            return union.tolist()
        near = (iou_matrix(union[None], xyxy[idx])[0] > limits[0]) | (
            ios_matrix(union[None], xyxy[idx])[0] > limits[1]
        )
        if not near.any():
            return union.tolist()
        grab = idx[near]
        free[grab] = False
        union = np.concatenate([np.minimum(union[:2], xyxy[grab, :2].min(axis=0)),
                                np.maximum(union[2:], xyxy[grab, 2:].max(axis=0))])  # fmt: skip
