"""Sliced inference: overlapping square tiles (plus the whole frame) so small people get pixels.

Pure geometry; the detector runs the views and merges their boxes (:func:`~.nms.merge_views`).
A person smaller than the tiles' overlap is whole in at least one tile, so the cut copies in the
neighbours merge into it. Someone taller than the overlap is cut in every tile: keep
``full_frame`` on (the default) so the whole-frame view sees them in one piece.
"""

from __future__ import annotations

import math

import numpy as np

from edge_agent.config.models import SlicingConfig
from edge_agent.detections import Detections

__all__ = ["Window", "tile_windows", "views", "shift"]

#: ``(x0, y0, x1, y1)`` of a view in frame pixels.
Window = tuple[int, int, int, int]


def _starts(length: int, tile: int, step: int) -> list[int]:
    """Tile starts along one axis: evenly spread, first at 0, last flush with the end."""
    if length <= tile:
        return [0]
    count = math.ceil((length - tile) / step) + 1
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def tile_windows(width: int, height: int, tile: int, overlap: float) -> list[Window]:
    """Equal-size tiles covering the frame, neighbours overlapping by at least ``overlap``.

    Tiles are ``min(tile, width) x min(tile, height)``, so they batch together.

    Example:
        >>> tile_windows(1000, 400, 416, 0.2)
        [(0, 0, 416, 400), (292, 0, 708, 400), (584, 0, 1000, 400)]
    """
    step = max(1, int(tile * (1 - overlap)))
    tw, th = min(tile, width), min(tile, height)
    return [
        (x, y, x + tw, y + th)
        for y in _starts(height, tile, step)
        for x in _starts(width, tile, step)
    ]


def views(width: int, height: int, slicing: SlicingConfig | None) -> list[Window]:
    """The windows to run: the whole frame alone, or the tiles (+ the whole frame if asked)."""
    whole = (0, 0, width, height)
    if slicing is None:
        return [whole]
    tiles = tile_windows(width, height, slicing.tile, slicing.overlap)
    if tiles == [whole]:
        return tiles
    return ([whole] if slicing.full_frame else []) + tiles


def shift(dets: Detections, dx: float, dy: float) -> Detections:
    """Boxes found in a view at ``(dx, dy)`` -> frame pixels."""
    if not len(dets) or (dx == 0 and dy == 0):
        return dets
    offset = np.array([dx, dy, dx, dy], dtype=np.float32)
    return Detections(dets.xyxy + offset, dets.confidence, dets.class_id)
