"""Detections of a recording, computed once and kept on disk, so re-scoring takes milliseconds.

The cache key covers everything that changes what the detector sees or keeps: the video file
(path, size, modification time), the model file and its settings, the camera's slicing and the
analysed frame rate. A change of any of them is a new file, never a stale answer.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_agent.detections import Detections

__all__ = ["DetectedFrame", "cache_key", "default_cache_dir", "load_frames", "save_frames"]


@dataclass(frozen=True)
class DetectedFrame:
    """The people found in one analysed frame, at its stream time."""

    pts: float
    people: Detections


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gridwatch" / "detections"


def _file_id(path: Path) -> list[object]:
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


def cache_key(video: Path, model: Path, settings: dict[str, object]) -> str:
    """A name for the cache file of ``video`` seen through ``model`` with ``settings``."""
    parts = {"video": _file_id(video), "model": _file_id(model), "settings": settings}
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def save_frames(path: Path, frames: list[DetectedFrame]) -> None:
    """Write the frames as one ``.npz`` (temp file + rename: a reader never sees half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = np.array([len(f.people) for f in frames], np.int64)
    boxes = [f.people.xyxy for f in frames] or [np.zeros((0, 4), np.float32)]
    scores = [f.people.confidence for f in frames] or [np.zeros(0, np.float32)]
    tmp = path.with_name(f".{path.name}.tmp.npz")
    np.savez(
        tmp,
        pts=np.array([f.pts for f in frames], np.float64),
        counts=counts,
        xyxy=np.concatenate(boxes).astype(np.float32),
        confidence=np.concatenate(scores).astype(np.float32),
    )
    os.replace(tmp, path)


def load_frames(path: Path) -> list[DetectedFrame]:
    with np.load(path) as data:
        pts, counts = data["pts"], data["counts"]
        xyxy, conf = data["xyxy"], data["confidence"]
    ends = np.cumsum(counts)
    starts = ends - counts
    return [
        DetectedFrame(float(t), Detections(xyxy[a:b], conf[a:b], np.zeros(b - a, np.int32)))
        for t, a, b in zip(pts, starts, ends, strict=True)
    ]
