"""YOLOX ONNX exports without in-graph decoding (Megvii's ``export_onnx.py`` default).

Input: float32 ``[B, 3, H, W]`` raw BGR 0..255, the picture top-left, padded with grey 114.
Output: ``[B, N, 5 + classes]`` with N = sum over strides 8/16/32 of (H/s)(W/s): per anchor the
offsets ``(dx, dy)`` from its grid cell and ``log(w/s), log(h/s)``, objectness and class scores.
Decoded here: ``xy = (grid + d) * s``, ``wh = exp(.) * s``, score = objectness x class score.
"""

from __future__ import annotations

import numpy as np

from edge_agent.detect.adapters.base import (
    Prepared,
    Thresholds,
    best_class,
    cxcywh_to_xyxy,
    mismatch,
    nchw_input,
    require,
    single,
    to_nchw,
)
from edge_agent.detect.letterbox import letterbox, to_source
from edge_agent.detect.session import ModelSpec
from edge_agent.detections import Detections

__all__ = ["YoloxAdapter", "anchor_grid"]

KIND = "yolox"
STRIDES = (8, 16, 32)
DEFAULT_SIZE = (416, 416)


def anchor_grid(size: tuple[int, int], strides: tuple[int, ...] = STRIDES) -> np.ndarray:
    """``(N, 3)`` rows of (grid x, grid y, stride) in the model's anchor order.

    Example:
        >>> anchor_grid((416, 416)).shape
        (3549, 3)
    """
    rows = []
    for s in strides:
        ys, xs = np.meshgrid(np.arange(size[1] // s), np.arange(size[0] // s), indexing="ij")
        rows.append(np.stack([xs.ravel(), ys.ravel(), np.full(xs.size, s)], axis=1))
    return np.concatenate(rows).astype(np.float32)


class YoloxAdapter:
    """Adapter for ``kind: yolox``; checks the layout against the model once, at load."""

    kind = KIND

    def __init__(
        self, spec: ModelSpec, keep: Thresholds, input_size: tuple[int, int] | None = None
    ) -> None:
        image, self.size = nchw_input(spec, KIND, input_size, DEFAULT_SIZE)
        out = single(spec, KIND, spec.outputs, "output")
        require(spec, KIND, out, rank=3, dtypes=("float",))
        self._grid = anchor_grid(self.size)
        expected = f"[batch, {len(self._grid)}, 5+classes] (strides 8/16/32 of {self.size})"
        anchors, channels = out.shape[1], out.shape[2]
        if anchors not in (len(self._grid), None) or (channels is not None and channels < 6):
            raise mismatch(spec, KIND, f"output {expected}", out.describe())
        self._spec, self._expected = spec, expected
        self.input_name = image.name
        self.batchable = image.shape[0] is None
        self._keep = keep

    def prepare(self, images: list[np.ndarray]) -> Prepared:
        boxed = [letterbox(img, self.size, 114, centre=False) for img in images]
        tensor = to_nchw([pic for pic, _ in boxed], bgr_to_rgb=False, scale=1.0)
        return Prepared({self.input_name: tensor}, tuple(p for _, p in boxed))

    def decode(self, outputs: list[np.ndarray], prepared: Prepared) -> list[Detections]:
        out = outputs[0]
        if out.ndim != 3 or out.shape[1] != len(self._grid) or out.shape[2] < 6:
            raise mismatch(self._spec, KIND, f"output {self._expected}", f"{list(out.shape)}")
        found = []
        for b, place in enumerate(prepared.placements):
            # score = objectness x class score <= objectness: drop hopeless anchors first
            hopeful = np.flatnonzero(out[b, :, 4] >= self._keep.confidence)
            rows = out[b, hopeful].astype(np.float32)
            xyxy = cxcywh_to_xyxy(self._boxes(rows, self._grid[hopeful]))
            xyxy, score, cls = best_class(xyxy, rows[:, 5:] * rows[:, 4:5], self._keep)
            found.append(Detections(to_source(xyxy, place), score, cls))
        return found

    @staticmethod
    def _boxes(rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
        """Raw offsets -> ``[cx, cy, w, h]`` in input pixels (``grid`` rows: x, y, stride)."""
        stride = grid[:, 2:3]
        xy = (rows[:, :2] + grid[:, :2]) * stride
        wh = np.exp(np.minimum(rows[:, 2:4], 20.0)) * stride  # cap: exp of garbage overflows
        return np.concatenate([xy, wh], axis=1)
