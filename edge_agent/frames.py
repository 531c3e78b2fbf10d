"""The frame that flows from a source to the analytics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Frame"]


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded picture of one camera.

    Attributes:
        camera_id: the camera it came from.
        image: BGR ``uint8`` array of shape ``(height, width, 3)``.
        pts: presentation time in seconds of *stream* time; the clock of all analytics.
        index: running number of the decoded frame within this source (0-based).
        keyframe: whether the codec marked it as a keyframe.

    Example:
        >>> import numpy as np
        >>> f = Frame("cam1", np.zeros((4, 6, 3), np.uint8), pts=1.5)
        >>> f.width, f.height
        (6, 4)
    """

    camera_id: str
    image: np.ndarray
    pts: float
    index: int = 0
    keyframe: bool = False

    def __post_init__(self) -> None:
        img = self.image
        if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3:
            shape = getattr(img, "shape", type(img).__name__)
            raise ValueError(f"Frame.image must have shape (h, w, 3); got {shape}")
        if img.dtype != np.uint8:
            raise ValueError(f"Frame.image must be uint8; got {img.dtype}")

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])
