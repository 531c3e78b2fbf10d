"""Frames of several cameras through the shared session in one run, and what each batch costs.

The shipped SSD graph takes a dynamic batch axis (``image_tensor:0`` is ``[?, ?, ?, 3]``; its
adapter stretches every picture to one size), so the windows of several cameras' keyframes are
stacked into runs of at most ``max_size``. A model with a fixed batch of 1 (``batchable`` false)
runs the same windows one at a time: batching then saves nothing, and costs nothing either.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge_agent.config.models import SlicingConfig
from edge_agent.detect.detector import Detector, StageTimings
from edge_agent.detect.nms import merge_views
from edge_agent.detect.slicing import Window, shift, views
from edge_agent.detections import Detections

__all__ = ["detect_batch", "BatchTiming", "time_batches"]


@dataclass(frozen=True)
class _Crop:
    picture: int  # index into the batch's images
    window: Window


def detect_batch(
    detector: Detector,
    images: Sequence[np.ndarray],
    slicings: Sequence[SlicingConfig | None],
    max_size: int,
) -> list[tuple[Detections, StageTimings]]:
    """Each picture's detections (as :meth:`Detector.detect` gives them) and its share of the
    stage seconds, with the windows of all pictures sent in runs of up to ``max_size``."""
    if len(images) != len(slicings):
        raise ValueError(f"{len(images)} images but {len(slicings)} slicing settings")
    crops = [
        _Crop(i, w)
        for i, (img, sl) in enumerate(zip(images, slicings, strict=True))
        for w in views(img.shape[1], img.shape[0], sl)
    ]
    size = max(1, max_size) if detector.adapter.batchable else 1
    parts: list[list[Detections]] = [[] for _ in images]
    timings = [{"preprocess": 0.0, "inference": 0.0, "postprocess": 0.0} for _ in images]
    for start in range(0, len(crops), size):
        _run(detector, images, crops[start : start + size], parts, timings)
    out = []
    for found, spent in zip(parts, timings, strict=True):
        t0 = time.perf_counter()
        merged = merge_views(found, detector.config.iou)
        spent["postprocess"] += time.perf_counter() - t0
        out.append((merged, spent))
        if detector.on_timings is not None:  # the metrics see each picture as one detect call
            detector.on_timings(spent)
    return out


def _run(
    detector: Detector,
    images: Sequence[np.ndarray],
    crops: list[_Crop],
    parts: list[list[Detections]],
    timings: list[StageTimings],
) -> None:
    """One session run over ``crops``; each picture is charged its share of the time."""
    t0 = time.perf_counter()
    pictures = [images[c.picture][y0:y1, x0:x1] for c in crops for x0, y0, x1, y1 in [c.window]]
    prepared = detector.adapter.prepare(pictures)
    t1 = time.perf_counter()
    outputs = detector.session.run(prepared.feeds)
    t2 = time.perf_counter()
    decoded = detector.adapter.decode(outputs, prepared)
    for crop, dets in zip(crops, decoded, strict=True):
        size = dets.xyxy[:, 2:] - dets.xyxy[:, :2]
        kept = dets[(size > 0).all(axis=1)]  # flattened by clipping: wholly in the padding
        parts[crop.picture].append(shift(kept, crop.window[0], crop.window[1]))
    t3 = time.perf_counter()
    share = 1.0 / len(crops)
    for crop in crops:
        spent = timings[crop.picture]
        spent["preprocess"] += (t1 - t0) * share
        spent["inference"] += (t2 - t1) * share
        spent["postprocess"] += (t3 - t2) * share


@dataclass(frozen=True)
class BatchTiming:
    """Throughput of one batch size: milliseconds per run and per picture, pictures per second."""

    batch: int
    ms_per_run: float
    ms_per_frame: float
    frames_per_s: float


def time_batches(
    detector: Detector, image: np.ndarray, sizes: Sequence[int], runs: int = 10
) -> list[BatchTiming]:
    """Each batch size timed on ``runs`` runs of ``image`` repeated (after one warm-up run)."""
    out = []
    for size in sizes:
        batch = [image] * size
        detect_batch(detector, batch, [None] * size, size)  # warm-up: allocations of this shape
        t0 = time.perf_counter()
        for _ in range(runs):
            detect_batch(detector, batch, [None] * size, size)
        per_run = (time.perf_counter() - t0) / runs
        out.append(BatchTiming(size, 1000 * per_run, 1000 * per_run / size, size / per_run))
    return out
