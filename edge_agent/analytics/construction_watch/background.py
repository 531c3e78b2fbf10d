"""Pure helpers for backgrounds: transient masks from detections, masked temporal median,
lighting buckets."""

from __future__ import annotations

from enum import StrEnum

import cv2
import numpy as np

from edge_agent.detections import Detections

__all__ = [
    "TRANSIENT_CLASSES",
    "Lighting",
    "lighting_of",
    "transient_mask",
    "masked_median",
    "to_gray",
]

#: COCO ids masked out of every background: person, bicycle, car, motorcycle, bus, truck.
TRANSIENT_CLASSES = (0, 1, 2, 3, 5, 7)


class Lighting(StrEnum):
    DAY = "day"
    DUSK = "dusk"
    NIGHT = "night"


def lighting_of(gray: np.ndarray, dusk_below: float, night_below: float) -> Lighting:
    """Bucket of a grayscale view by its mean brightness."""
    mean = float(np.mean(gray))
    if mean < night_below:
        return Lighting.NIGHT
    if mean < dusk_below:
        return Lighting.DUSK
    return Lighting.DAY


def transient_mask(objects: Detections, width: int, height: int, pad: float = 0.1) -> np.ndarray:
    """``bool (h, w)``: True inside (slightly enlarged) boxes of people and vehicles."""
    mask = np.zeros((height, width), bool)
    keep = np.isin(objects.class_id, TRANSIENT_CLASSES)
    for x1, y1, x2, y2 in objects.xyxy[keep]:
        dx, dy = (x2 - x1) * pad, (y2 - y1) * pad
        xa, ya = max(0, int(x1 - dx)), max(0, int(y1 - dy))
        xb, yb = min(width, int(np.ceil(x2 + dx))), min(height, int(np.ceil(y2 + dy)))
        mask[ya:yb, xa:xb] = True
    return mask


def masked_median(
    images: list[np.ndarray], masks: list[np.ndarray], fallback: np.ndarray | None = None
) -> np.ndarray:
    """Per-pixel median over ``images`` ignoring pixels where the matching mask is True.

    A pixel masked in every image takes ``fallback`` (e.g. the reference) or, without one, the
    plain median. Masked samples are set to 255 and sorted after the clear ones, so the median of
    the ``n`` clear samples is read at ranks ``(n - 1) // 2`` and ``n // 2`` (no NaN median, which
    is several times slower).

    Example:
        >>> a = np.full((2, 2), 10, np.uint8); b = np.full((2, 2), 200, np.uint8)
        >>> m = [np.zeros((2, 2), bool), np.ones((2, 2), bool)]
        >>> int(masked_median([a, b, b], [m[0], m[1], m[1]])[0, 0])
        10
    """
    stack = np.stack(images)
    masked = np.stack(masks)
    if not masked.any():
        return np.clip(np.round(np.median(stack, axis=0)), 0, 255).astype(np.uint8)
    valid = len(images) - np.count_nonzero(masked, axis=0)
    none_valid = valid == 0
    channels = (None,) * (stack.ndim - masked.ndim)  # masks are (h, w), images maybe (h, w, 3)
    drop = (masked & ~none_valid)[(..., *channels)]  # no clear sample: plain median
    keyed = np.where(drop, np.uint8(255), stack)
    keyed.sort(axis=0)
    n = np.where(none_valid, len(images), valid)[(None, ..., *channels)]
    lo = np.take_along_axis(keyed, (n - 1) // 2, axis=0)[0]
    hi = np.take_along_axis(keyed, n // 2, axis=0)[0]
    out = (lo.astype(np.float64) + hi) / 2
    if fallback is not None:
        out[none_valid] = fallback[none_valid]
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def to_gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
