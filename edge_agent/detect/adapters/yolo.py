"""ultralytics YOLOv8 / YOLO11 ONNX exports (``yolo export format=onnx``).

Input: float32 ``[B, 3, H, W]`` RGB scaled to 0..1, letterboxed (centred, grey 114). Output:
``[B, 4 + classes, N]``: box centre, width and height in input pixels, then one score per class
(no objectness). Class ids are the model's own (COCO order for the stock models).
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

__all__ = ["YoloAdapter"]

KIND = "yolo"
DEFAULT_SIZE = (640, 640)
EXPECTED = "[batch, 4+classes, N] with 4+classes < N"


class YoloAdapter:
    """Adapter for ``kind: yolo``; checks the layout against the model once, at load."""

    kind = KIND

    def __init__(
        self, spec: ModelSpec, keep: Thresholds, input_size: tuple[int, int] | None = None
    ) -> None:
        image, self.size = nchw_input(spec, KIND, input_size, DEFAULT_SIZE)
        out = single(spec, KIND, spec.outputs, "output")
        require(spec, KIND, out, rank=3, dtypes=("float",))
        channels, anchors = out.shape[1], out.shape[2]
        if channels is not None and (channels < 5 or (anchors is not None and channels >= anchors)):
            raise mismatch(spec, KIND, f"output {EXPECTED}", out.describe())
        self._spec = spec
        self.input_name = image.name
        self.batchable = image.shape[0] is None
        self._keep = keep

    def prepare(self, images: list[np.ndarray]) -> Prepared:
        boxed = [letterbox(img, self.size, 114, centre=True) for img in images]
        pictures = [pic for pic, _ in boxed]
        tensor = to_nchw(pictures, bgr_to_rgb=True, scale=1 / 255)
        return Prepared({self.input_name: tensor}, tuple(p for _, p in boxed))

    def decode(self, outputs: list[np.ndarray], prepared: Prepared) -> list[Detections]:
        out = outputs[0]
        if out.ndim != 3 or not 5 <= out.shape[1] < out.shape[2]:
            raise mismatch(self._spec, KIND, f"output {EXPECTED}", f"shape {list(out.shape)}")
        found = []
        for b, place in enumerate(prepared.placements):
            rows = out[b].T.astype(np.float32)  # (N, 4 + classes)
            xyxy, score, cls = best_class(cxcywh_to_xyxy(rows[:, :4]), rows[:, 4:], self._keep)
            found.append(Detections(to_source(xyxy, place), score, cls))
        return found
