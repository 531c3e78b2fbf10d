"""The frame that flows from a source to the analytics, and the picture it carries.

A frame's picture is converted to BGR only when something asks for it: most keyframes of a quiet
camera are only compared with the last analysed one, and that needs grey levels alone, which a
decoder's luma plane gives without a colour conversion (:class:`Picture`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

__all__ = ["Frame", "Picture", "BgrPicture"]


@runtime_checkable
class Picture(Protocol):
    """A picture that may be converted on demand.

    ``bgr()`` and ``gray()`` return the same array on every call (converted once, then kept), so
    consumers may key on its identity.
    """

    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...

    def bgr(self) -> np.ndarray:
        """BGR ``uint8`` of shape ``(height, width, 3)``."""
        ...

    def gray(self) -> np.ndarray:
        """Grey ``uint8`` of shape ``(height, width)``, levels as ``cv2.COLOR_BGR2GRAY`` of
        :meth:`bgr` gives them (a decoded picture's luma: within a level or two)."""
        ...


@dataclass(slots=True)
class BgrPicture:
    """A picture that is already a BGR array (tests, tools, anything not from a decoder).

    Example:
        >>> BgrPicture(np.zeros((4, 6, 3), np.uint8)).gray().shape
        (4, 6)
    """

    image: np.ndarray
    _gray: np.ndarray | None = field(default=None, init=False, repr=False)

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

    def bgr(self) -> np.ndarray:
        return self.image

    def gray(self) -> np.ndarray:
        if self._gray is None:
            self._gray = cv2.cvtColor(self.image, cv2.COLOR_BGR2GRAY)
        return self._gray


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded picture of one camera.

    Attributes:
        camera_id: the camera it came from.
        picture: a :class:`Picture` (a decoder's, converted on demand), or a BGR ``uint8`` array
            of shape ``(height, width, 3)``.
        pts: presentation time in seconds of *stream* time; the clock of all analytics.
        index: running number of the decoded frame within this source (0-based).
        keyframe: whether the codec marked it as a keyframe.

    Example:
        >>> f = Frame("cam1", np.zeros((4, 6, 3), np.uint8), pts=1.5)
        >>> f.width, f.height, f.image.shape, f.gray.shape
        (6, 4, (4, 6, 3), (4, 6))
    """

    camera_id: str
    picture: Picture | np.ndarray
    pts: float
    index: int = 0
    keyframe: bool = False
    _picture: Picture = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given = self.picture  # an array is validated by BgrPicture
        # not isinstance(given, Picture): a runtime Protocol check costs ~10 µs a frame; what
        # is not a picture goes to BgrPicture, which refuses anything but a BGR array
        is_picture = hasattr(given, "bgr") and hasattr(given, "gray")
        picture = given if is_picture else BgrPicture(given)  # type: ignore[arg-type]
        object.__setattr__(self, "_picture", picture)

    @property
    def image(self) -> np.ndarray:
        """BGR ``uint8`` ``(height, width, 3)``; a decoded picture is converted at first use."""
        return self._picture.bgr()

    @property
    def gray(self) -> np.ndarray:
        """Grey ``uint8`` ``(height, width)`` (a decoded picture's luma: no colour conversion)."""
        return self._picture.gray()

    @property
    def width(self) -> int:
        return self._picture.width

    @property
    def height(self) -> int:
        return self._picture.height
