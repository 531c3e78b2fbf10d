"""The detection facade: one shared session + the adapter of its kind + NMS, with stage timings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from edge_agent.bundled import resolve_model_path
from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect.adapters import Adapter, Thresholds, make_adapter
from edge_agent.detect.nms import merge_views
from edge_agent.detect.session import SharedSession, open_session
from edge_agent.detect.slicing import Window, shift, views
from edge_agent.detections import Detections

__all__ = ["Detector", "StageTimings", "build_detector", "resolve_model_path", "PROJECT_ROOT"]

#: The folder above the package (the checkout, in a development tree). Models are not looked up
#: here: shipped ones come from ``edge_agent.models`` (see :mod:`edge_agent.bundled`).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Most pictures sent in one run when the model takes a batch (bounds memory on many tiles).
MAX_BATCH = 16

#: Seconds per stage of the last ``detect`` call: "preprocess", "inference", "postprocess".
StageTimings = dict[str, float]


class Detector:
    """Finds objects in BGR frames; one instance (and session) serves every camera thread.

    Example:
        >>> from edge_agent.config.models import ModelConfig
        >>> det = build_detector(ModelConfig(), Path("."))
        >>> len(det.detect(np.zeros((240, 320, 3), np.uint8)))
        0
        >>> sorted(det.last_timings)
        ['inference', 'postprocess', 'preprocess']
    """

    def __init__(self, session: SharedSession, adapter: Adapter, config: ModelConfig) -> None:
        self.session = session
        self.adapter = adapter
        self.config = config
        #: Called with the stage seconds of every call (the agent's metrics); None: nobody.
        self.on_timings: Callable[[StageTimings], None] | None = None
        self._local = threading.local()

    @property
    def last_timings(self) -> StageTimings:
        """Stage seconds of this thread's last :meth:`detect` (each camera thread sees its own)."""
        return dict(getattr(self._local, "timings", {}))

    def detect(self, image_bgr: np.ndarray, slicing: SlicingConfig | None = None) -> Detections:
        """Boxes in frame pixels, filtered by the config's confidence and classes, after NMS."""
        found, timings = self.detect_timed(image_bgr, slicing)
        self._local.timings = timings
        return found

    def detect_timed(
        self, image_bgr: np.ndarray, slicing: SlicingConfig | None = None
    ) -> tuple[Detections, StageTimings]:
        """Like :meth:`detect`, returning the stage seconds with the boxes."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            got = f"{image_bgr.shape} {image_bgr.dtype}"
            raise ValueError(f"need a (h, w, 3) uint8 BGR image; got {got}")
        height, width = image_bgr.shape[:2]
        windows = views(width, height, slicing)
        timings = {"preprocess": 0.0, "inference": 0.0, "postprocess": 0.0}
        parts: list[Detections] = []
        size = MAX_BATCH if self.adapter.batchable else 1
        for start in range(0, len(windows), size):
            batch = windows[start : start + size]
            parts.extend(self._run(image_bgr, batch, timings))
        t0 = time.perf_counter()
        merged = merge_views(parts, self.config.iou)
        timings["postprocess"] += time.perf_counter() - t0
        if self.on_timings is not None:
            self.on_timings(timings)
        return merged, timings

    def _run(
        self, image: np.ndarray, windows: list[Window], timings: StageTimings
    ) -> list[Detections]:
        t0 = time.perf_counter()
        prepared = self.adapter.prepare([image[y0:y1, x0:x1] for x0, y0, x1, y1 in windows])
        t1 = time.perf_counter()
        outputs = self.session.run(prepared.feeds)
        t2 = time.perf_counter()
        found = [_visible(d) for d in self.adapter.decode(outputs, prepared)]
        shifted = [shift(d, x0, y0) for d, (x0, y0, _, _) in zip(found, windows, strict=True)]
        t3 = time.perf_counter()
        timings["preprocess"] += t1 - t0
        timings["inference"] += t2 - t1
        timings["postprocess"] += t3 - t2
        return shifted


def _visible(dets: Detections) -> Detections:
    """Drop boxes that clipping flattened: they lay wholly in the letterbox padding."""
    size = dets.xyxy[:, 2:] - dets.xyxy[:, :2]
    return dets[(size > 0).all(axis=1)]


def build_detector(model_cfg: ModelConfig, base_dir: Path, concurrent: int = 1) -> Detector:
    """Open the model once and check it against the adapter of ``model_cfg.kind``.

    ``concurrent``: inferences the shared session runs at once (the agent's analysis threads).

    Relative paths resolve against ``base_dir`` (the config file's folder); ``models/NAME`` falls
    back to the model of that name shipped with the package.
    Raises :class:`ModelError` when the file is missing, unreadable or of another layout.
    """
    path = resolve_model_path(model_cfg.path, base_dir)
    session = open_session(path, model_cfg.providers, model_cfg.threads, concurrent)
    keep = Thresholds(model_cfg.confidence, tuple(model_cfg.classes))
    adapter = make_adapter(model_cfg.kind, session.spec, keep, model_cfg.input_size)
    return Detector(session, adapter, model_cfg)
