"""Drawing for evidence and previews only; analytics never depend on it."""

from __future__ import annotations

import cv2
import numpy as np

from edge_agent.contract.incident import Level
from edge_agent.detections import Detections
from edge_agent.zones.geometry import GroundPlane

__all__ = ["draw_zone", "draw_detections", "draw_ground_grid", "LEVEL_COLOURS"]

#: BGR colour of each level (keyed by the contract's Level: a new level must get a colour).
LEVEL_COLOURS: dict[Level, tuple[int, int, int]] = {
    Level.NORMAL: (80, 200, 80),
    Level.INFO: (200, 200, 80),
    Level.ADVISORY: (0, 200, 255),
    Level.WARNING: (0, 120, 255),
    Level.CRITICAL: (0, 0, 255),
}


def draw_zone(img: np.ndarray, polygon: np.ndarray, label: str, colour=(80, 200, 80)) -> None:
    pts = np.round(polygon).astype(np.int32).reshape(-1, 1, 2)
    overlay = img.copy()
    cv2.fillPoly(overlay, [pts], colour)
    cv2.addWeighted(overlay, 0.2, img, 0.8, 0, dst=img)
    cv2.polylines(img, [pts], True, colour, 2, cv2.LINE_AA)
    x, y = pts[:, 0, 0].min(), pts[:, 0, 1].min()
    cv2.putText(img, label, (int(x) + 4, int(y) + 18), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 3)
    cv2.putText(img, label, (int(x) + 4, int(y) + 18), cv2.FONT_HERSHEY_SIMPLEX, 0.55, colour, 1)


def draw_detections(img: np.ndarray, dets: Detections, colour=(255, 200, 0)) -> None:
    for (x1, y1, x2, y2), score in zip(dets.xyxy.astype(int), dets.confidence, strict=True):
        cv2.rectangle(img, (int(x1), int(y1)), (int(x2), int(y2)), colour, 2)
        cv2.circle(img, (int((x1 + x2) / 2), int(y2)), 3, (0, 0, 255), -1)
        cv2.putText(
            img, f"{score:.2f}", (int(x1), int(y1) - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1
        )


def draw_ground_grid(
    img: np.ndarray,
    ground: GroundPlane,
    extent_m: tuple[float, float, float, float],
    step_m: float = 1.0,
) -> None:
    """Lines every ``step_m`` metres over ``extent_m`` = (x0, y0, x1, y1) of the ground plane.

    The extent keeps the grid on the calibrated ground: beyond the horizon a homography folds
    lines back into the picture.
    """
    inv = np.linalg.inv(ground.matrix)
    x0, y0, x1, y1 = extent_m

    def project(points: np.ndarray) -> np.ndarray:
        p = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), inv)
        return np.round(p.reshape(-1, 2)).astype(np.int32)

    for x in np.arange(x0, x1 + 1e-9, step_m):
        line = np.stack([np.full(50, x), np.linspace(y0, y1, 50)], axis=1)
        cv2.polylines(img, [project(line)], False, (255, 255, 255), 1, cv2.LINE_AA)
    for y in np.arange(y0, y1 + 1e-9, step_m):
        line = np.stack([np.linspace(x0, x1, 50), np.full(50, y)], axis=1)
        cv2.polylines(img, [project(line)], False, (255, 255, 255), 1, cv2.LINE_AA)
