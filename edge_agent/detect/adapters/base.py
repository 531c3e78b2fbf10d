"""What every model adapter provides, and the checks they share.

An adapter knows one family of model layouts: it checks a :class:`ModelSpec` once, turns pictures
into input tensors and decodes output tensors into :class:`Detections` in source pixels. It does
no NMS (the detector does) and holds no session: it stays a pure function of arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from edge_agent.detect.letterbox import Placement
from edge_agent.detect.session import ModelSpec, TensorSpec
from edge_agent.detections import Detections
from edge_agent.errors import ModelError

__all__ = [
    "Adapter",
    "Prepared",
    "Thresholds",
    "best_class",
    "cxcywh_to_xyxy",
    "mismatch",
    "nchw_input",
    "require",
    "single",
    "to_nchw",
]


@dataclass(frozen=True)
class Thresholds:
    """What the adapter keeps while decoding: score floor and wanted COCO class ids."""

    confidence: float
    classes: tuple[int, ...]


@dataclass(frozen=True)
class Prepared:
    """Input tensors for one batch and where each picture sits in them."""

    feeds: dict[str, np.ndarray]
    placements: tuple[Placement, ...]


class Adapter(Protocol):
    """One model layout. ``batchable``: several pictures of one size may go in one run."""

    kind: str
    batchable: bool

    def prepare(self, images: list[np.ndarray]) -> Prepared:
        """BGR uint8 pictures -> input tensors (all pictures in one batch)."""
        ...

    def decode(self, outputs: list[np.ndarray], prepared: Prepared) -> list[Detections]:
        """Output tensors -> one :class:`Detections` per picture, in its pixels, thresholded."""
        ...


def mismatch(spec: ModelSpec, kind: str, expected: str, found: str) -> ModelError:
    """The error every adapter raises when a model does not fit it."""
    return ModelError(
        f"{spec.path}: does not fit model kind '{kind}': expected {expected}; found {found}. "
        f"Model has {spec.describe()}. Run 'edge-agent models info {spec.path}' to see which "
        "kind fits."
    )


def single(spec: ModelSpec, kind: str, tensors: tuple[TensorSpec, ...], what: str) -> TensorSpec:
    """The one input (or output) a layout expects; a mismatch error otherwise."""
    if len(tensors) != 1:
        names = ", ".join(t.name for t in tensors)
        raise mismatch(spec, kind, f"1 {what}", f"{len(tensors)} {what}s ({names})")
    return tensors[0]


def require(
    spec: ModelSpec, kind: str, tensor: TensorSpec, *, rank: int, dtypes: tuple[str, ...]
) -> None:
    """Check rank and element type of one tensor."""
    if tensor.rank != rank or tensor.dtype not in dtypes:
        raise mismatch(
            spec,
            kind,
            f"{tensor.name} of rank {rank} and type {'/'.join(dtypes)}",
            tensor.describe(),
        )


def nchw_input(
    spec: ModelSpec, kind: str, input_size: tuple[int, int] | None, default: tuple[int, int]
) -> tuple[TensorSpec, tuple[int, int]]:
    """The single float32 NCHW image input of YOLO-family models and its (width, height).

    A fixed size in the model wins; a dynamic one takes ``input_size``, else ``default``.
    """
    image = single(spec, kind, spec.inputs, "input")
    require(spec, kind, image, rank=4, dtypes=("float",))
    if image.shape[1] not in (3, None):
        raise mismatch(spec, kind, f"{image.name} NCHW with 3 channels", image.describe())
    width, height = image.shape[3], image.shape[2]
    if width is not None and height is not None:
        if input_size is not None and tuple(input_size) != (width, height):
            found = f"fixed size {(width, height)}"
            raise mismatch(spec, kind, f"input size {input_size} (config)", found)
        return image, (width, height)
    return image, (input_size or default)


def to_nchw(pictures: list[np.ndarray], bgr_to_rgb: bool, scale: float) -> np.ndarray:
    """HWC uint8 BGR pictures -> one NCHW float32 tensor (optionally RGB, times ``scale``).

    OpenCV's blob maker swaps, scales and transposes in one pass (faster than numpy here).
    """
    return cv2.dnn.blobFromImages(pictures, scalefactor=scale, swapRB=bgr_to_rgb, crop=False)


def best_class(
    boxes_xyxy: np.ndarray, class_scores: np.ndarray, keep: Thresholds
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate the best class and its score; only those passing ``keep``.

    ``class_scores`` is ``(n, classes)``; returns (xyxy, confidence, class_id).
    """
    class_id = class_scores.argmax(axis=1).astype(np.int32)
    score = class_scores[np.arange(len(class_id)), class_id]
    wanted = (score >= keep.confidence) & np.isin(class_id, keep.classes)
    return boxes_xyxy[wanted], score[wanted].astype(np.float32), class_id[wanted]


def cxcywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """``[cx, cy, w, h]`` -> ``[x1, y1, x2, y2]``."""
    half = boxes[:, 2:4] / 2
    return np.concatenate([boxes[:, :2] - half, boxes[:, :2] + half], axis=1)
