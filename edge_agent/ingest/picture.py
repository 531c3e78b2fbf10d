"""A decoder's picture, converted to BGR only when something asks for it.

Of a camera's keyframes only those the cadence analyses (or construction watch and camera
health, at their own cadences) are looked at in colour; the others are compared with the last
analysed one in grey. So the BGR conversion (0.3 ms of CPU for 768x432 on this box on one
scaler thread; a keyframe's decode is about 2 ms) waits until :meth:`DecodedPicture.bgr` is
called; the grey picture is the luma plane, stretched to full range by a table. Once converted,
the decoder's frame is let go (its buffer returns to the decoder's pool), so a converted picture
holds the BGR array only, and an unconverted one the decoder's YUV picture (half the bytes).

Example (a decoder hands out YUV 4:2:0 pictures like this one):
    >>> import av
    >>> grey = np.full((432, 768, 3), 128, np.uint8)
    >>> yuv = av.VideoFrame.from_ndarray(grey, format="bgr24").reformat(format="yuv420p")
    >>> pic = DecodedPicture(yuv)
    >>> pic.gray().shape, abs(int(pic.gray()[0, 0]) - 128) <= 1  # the limited-range round trip
    ((432, 768), True)
    >>> pic.bgr().shape
    (432, 768, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

__all__ = ["DecodedPicture", "LUMA_FIRST", "SCALER_THREADS"]

#: 8-bit formats whose first plane is the luma (Y) at full resolution.
LUMA_FIRST = frozenset(
    {"yuv420p", "yuv422p", "yuv444p", "yuvj420p", "yuvj422p", "yuvj444p", "nv12", "nv21", "gray"}
)
#: Limited-range luma (16-235) to the full-range grey levels ``COLOR_BGR2GRAY`` of the BGR
#: conversion gives (BT.601: the chroma terms of R, G and B cancel in the grey weights).
_STRETCH = np.clip(np.round((np.arange(256) - 16) * 255.0 / 219.0), 0, 255).astype(np.uint8)
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG
#: swscale threads per conversion. Each picture gets a scaler of its own, and FFmpeg's default (one
#: thread per CPU) starts that many threads for each one (strace: 100 clones for 50 pictures on
#: 2 cores): 1.06 ms of CPU per 768x432 picture against 0.30 ms on the caller's thread alone.
SCALER_THREADS = 1


class DecodedPicture:
    """A PyAV ``VideoFrame``, converted on demand (see the module).

    Args:
        decoded: the decoder's frame.
        on_convert: called with the seconds each BGR conversion took (the source's stats).

    Used by one thread at a time (the camera's analysis thread, after the reader handed it over).
    """

    __slots__ = ("_decoded", "_bgr", "_gray", "_on_convert", "width", "height")

    def __init__(self, decoded: Any, on_convert: Callable[[float], None] | None = None):
        self._decoded: Any = decoded
        self._bgr: np.ndarray | None = None
        self._gray: np.ndarray | None = None
        self._on_convert = on_convert
        self.width = int(decoded.width)
        self.height = int(decoded.height)

    def bgr(self) -> np.ndarray:
        if self._bgr is None:
            started = time.perf_counter()
            self._bgr = self._decoded.to_ndarray(format="bgr24", threads=SCALER_THREADS)
            self._decoded = None  # the BGR array is all that is needed from now on
            if self._on_convert is not None:
                self._on_convert(time.perf_counter() - started)
        return self._bgr

    def gray(self) -> np.ndarray:
        if self._gray is None:
            self._gray = self._luma() if self._bgr is None else None
            if self._gray is None:  # converted already, or no luma plane to read
                self._gray = cv2.cvtColor(self.bgr(), cv2.COLOR_BGR2GRAY)
        return self._gray

    def _luma(self) -> np.ndarray | None:
        decoded = self._decoded
        if decoded.format.name not in LUMA_FIRST:
            return None
        plane = decoded.planes[0]
        rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
        luma = rows[: self.height, : self.width]
        full = decoded.color_range == _FULL_RANGE or decoded.format.name.startswith(
            ("yuvj", "gray")
        )
        # a copy either way: a view would keep the decoder's buffer from going back to its pool
        return luma.copy() if full else cv2.LUT(luma, _STRETCH)
