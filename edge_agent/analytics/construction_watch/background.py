"""Pure helpers for backgrounds: transient masks from detections, masked temporal median,
lighting buckets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import cv2
import numpy as np

from edge_agent.detections import Detections
from edge_agent.frames import Frame

__all__ = [
    "TRANSIENT_CLASSES",
    "Lighting",
    "lighting_of",
    "transient_mask",
    "masked_median",
    "to_gray",
    "Recent",
    "Batch",
    "Work",
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


class Recent:
    """The newest few analysis frames (and their transient masks) of a watch, oldest first.

    Sparse input, single snapshots minutes apart, gives an observation one frame of its own; the
    frames kept here fill its background up to ``background_frames``, so a person or cart in one
    snapshot is outvoted by the others.
    """

    def __init__(self, size: int):
        self.size = size
        self.items: list[tuple[float, np.ndarray, np.ndarray]] = []  # (pts, image, mask)

    def offer(
        self, pts: float, make: Callable[[], tuple[np.ndarray, np.ndarray]], min_gap_s: float
    ) -> None:
        """Keep the frame at ``pts`` when ``min_gap_s`` after the last kept (``make`` builds it
        only then: shrinking and masking cost)."""
        if self.items and pts - self.items[-1][0] < min_gap_s:
            return
        if self.items and pts <= self.items[-1][0]:
            return
        image, mask = make()
        self.items = [*self.items, (pts, image, mask)][-self.size :]

    def newest(
        self, since: float, images: list[np.ndarray], masks: list[np.ndarray], want: int
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """``images`` (an observation's own frames, newest) topped up with kept frames not older
        than ``since`` and not among them, up to ``want`` in all; images of another size are left
        out."""
        ids = {id(i) for i in images}
        older = [
            (img, m)
            for pts, img, m in self.items
            if pts >= since and id(img) not in ids and img.shape == images[0].shape
        ]
        extra = older[-max(0, want - len(images)) :] if want > len(images) else []
        return [i for i, _ in extra] + images, [m for _, m in extra] + masks


@dataclass
class Batch:
    """Frames gathered for one median (reference or observation)."""

    images: list[np.ndarray]
    masks: list[np.ndarray]
    start_pts: float
    last_pts: float
    last_at: datetime

    def add(self, image: np.ndarray, mask: np.ndarray, pts: float, at: datetime) -> None:
        self.images.append(image)
        self.masks.append(mask)
        self.last_pts, self.last_at = pts, at


@dataclass
class Work:
    """One frame on the analysis grid, shrunk and masked only when someone asks."""

    frame: Frame
    objects: Detections
    scale: float
    _image: np.ndarray | None = field(default=None, repr=False)

    @property
    def image(self) -> np.ndarray:
        if self._image is None:
            img = self.frame.image
            if self.scale < 1.0:
                size = (round(img.shape[1] * self.scale), round(img.shape[0] * self.scale))
                img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
            self._image = img
        return self._image

    @property
    def mask(self) -> np.ndarray:
        o = self.objects
        scaled = Detections(o.xyxy * self.scale, o.confidence, o.class_id)
        return transient_mask(scaled, self.image.shape[1], self.image.shape[0])
