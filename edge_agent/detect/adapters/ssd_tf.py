"""TensorFlow Object Detection API exports (converted with tf2onnx): the default person model.

Input: uint8 NHWC RGB of any size (``image_tensor:0``; the graph resizes inside). Outputs, by name:
``num_detections [B]``, ``detection_boxes [B, N, 4]`` as normalised ``[ymin, xmin, ymax, xmax]``,
``detection_scores [B, N]`` and ``detection_classes [B, N]`` holding COCO category ids (1 = person).
"""

from __future__ import annotations

import numpy as np

from edge_agent.detect.adapters.base import Prepared, Thresholds, mismatch, require, single
from edge_agent.detect.letterbox import Placement, clip_boxes, stretch
from edge_agent.detect.session import ModelSpec
from edge_agent.detections import Detections

__all__ = ["SsdTfAdapter", "COCO_CATEGORY_IDS", "OUTPUT_NAMES"]

KIND = "ssd_tf"
OUTPUT_NAMES = ("num_detections", "detection_boxes", "detection_scores", "detection_classes")
#: Default size fed to the graph: SSDLite resizes to 300x300 itself, so sending more is waste.
DEFAULT_SIZE = (300, 300)

#: COCO category ids (1..90 with gaps) in the order of the 80 contiguous class ids we use.
COCO_CATEGORY_IDS = (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28,
    31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55,
    56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84,
    85, 86, 87, 88, 89, 90,
)  # fmt: skip
_TO_INDEX = np.full(256, -1, dtype=np.int32)
_TO_INDEX[list(COCO_CATEGORY_IDS)] = np.arange(len(COCO_CATEGORY_IDS), dtype=np.int32)


def _stem(name: str) -> str:
    """``Postprocessor/detection_boxes:0`` -> ``detection_boxes``."""
    return name.split(":")[0].rsplit("/", 1)[-1]


class SsdTfAdapter:
    """Adapter for ``kind: ssd_tf``.

    Example:
        >>> from edge_agent.detect.session import TensorSpec
        >>> image = TensorSpec("image_tensor:0", (None, None, None, 3), "uint8")
        >>> outs = tuple(TensorSpec(f"{n}:0", (None,), "float") for n in OUTPUT_NAMES)
        >>> spec = ModelSpec("m.onnx", (image,), outs)
        >>> SsdTfAdapter(spec, Thresholds(0.5, (0,))).input_name
        'image_tensor:0'
    """

    kind = KIND

    def __init__(
        self, spec: ModelSpec, keep: Thresholds, input_size: tuple[int, int] | None = None
    ) -> None:
        image = single(spec, KIND, spec.inputs, "input")
        require(spec, KIND, image, rank=4, dtypes=("uint8",))
        if image.shape[3] not in (3, None):
            raise mismatch(spec, KIND, f"{image.name} NHWC with 3 channels", image.describe())
        stems = {_stem(t.name): i for i, t in enumerate(spec.outputs)}
        missing = [n for n in OUTPUT_NAMES if n not in stems]
        if missing:
            found = ", ".join(t.name for t in spec.outputs)
            raise mismatch(spec, KIND, f"outputs named {', '.join(OUTPUT_NAMES)}", f"[{found}]")
        self.input_name = image.name
        self.batchable = image.shape[0] is None
        self._order = [stems[n] for n in OUTPUT_NAMES]
        self._keep = keep
        width, height = image.shape[2], image.shape[1]
        fixed = (width, height) if width is not None and height is not None else None
        self.size: tuple[int, int] = input_size or fixed or DEFAULT_SIZE

    def prepare(self, images: list[np.ndarray]) -> Prepared:
        fitted = [stretch(img, self.size) for img in images]
        batch = np.stack([pic[:, :, ::-1] for pic, _ in fitted])  # BGR -> RGB
        return Prepared({self.input_name: np.ascontiguousarray(batch)}, tuple(p for _, p in fitted))

    def decode(self, outputs: list[np.ndarray], prepared: Prepared) -> list[Detections]:
        count, boxes, scores, classes = (outputs[i] for i in self._order)
        found = []
        for b, place in enumerate(prepared.placements):
            n = int(count[b])
            found.append(self._one(boxes[b, :n], scores[b, :n], classes[b, :n], place))
        return found

    def _one(
        self, boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, place: Placement
    ) -> Detections:
        category = classes.astype(np.int64).clip(0, len(_TO_INDEX) - 1)
        class_id = _TO_INDEX[category]
        wanted = self._keep.classes
        # one class (people, the default) by equality: np.isin costs ~20x more on 100 boxes
        of_class = class_id == wanted[0] if len(wanted) == 1 else np.isin(class_id, wanted)
        keep = (scores >= self._keep.confidence) & of_class
        w, h = place.source_w, place.source_h
        xyxy = boxes[keep][:, [1, 0, 3, 2]] * np.array([w, h, w, h], np.float32)
        return Detections(clip_boxes(xyxy, w, h), scores[keep], class_id[keep])
