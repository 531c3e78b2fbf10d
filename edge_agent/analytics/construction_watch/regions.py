"""Pure functions from a change map to candidate regions (threshold, morphology, components)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["Region", "binarize", "find_regions"]


@dataclass(frozen=True)
class Region:
    """One connected candidate region, in analysis pixels.

    Attributes:
        mask: ``uint8`` mask (255 inside, holes filled) of the analysis image size.
        bbox: ``(x1, y1, x2, y2)`` with ``x2, y2`` exclusive.
        area_px: pixel count of ``mask``.
    """

    mask: np.ndarray
    bbox: tuple[int, int, int, int]
    area_px: int


def _ellipse(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def binarize(change: np.ndarray, threshold: float, open_px: int, close_px: int = 0) -> np.ndarray:
    """``uint8`` mask of ``change > threshold``; opening drops specks and thin lines (shadow
    edges, wires) narrower than ``open_px``; closing by ``close_px`` joins the pieces of one
    structure."""
    m: np.ndarray = (change > threshold).astype(np.uint8) * 255
    if open_px > 1:
        m = cv2.morphologyEx(m, cv2.MORPH_OPEN, _ellipse(open_px))
    if close_px > 1:
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, _ellipse(close_px))
    return m


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 255, thickness=cv2.FILLED)
    return out


def find_regions(mask: np.ndarray, min_area_px: int) -> list[Region]:
    """Connected components of ``mask`` with holes filled, at least ``min_area_px`` pixels each,
    largest first."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    regions = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < min_area_px:
            continue
        comp = np.zeros_like(mask)
        sub = labels[y : y + h, x : x + w] == i
        comp[y : y + h, x : x + w][sub] = 255
        comp = _fill_holes(comp)
        regions.append(Region(comp, (x, y, x + w, y + h), int(np.count_nonzero(comp))))
    return sorted(regions, key=lambda r: -r.area_px)
