"""Pure zone geometry: which points lie in a polygon, and how big a pixel region is on the ground."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from edge_agent.errors import GeometryError

__all__ = ["PolygonZone", "GroundPlane"]


@dataclass(frozen=True)
class PolygonZone:
    """A polygon in frame pixels; membership tests a point such as a box's bottom-centre.

    Example:
        >>> z = PolygonZone.from_points([(0, 0), (10, 0), (10, 10), (0, 10)])
        >>> z.contains(np.array([[5, 5], [20, 5]])).tolist()
        [True, False]
    """

    points: np.ndarray  # (k, 2) float32
    _contour: np.ndarray = field(repr=False, compare=False)

    @classmethod
    def from_points(cls, points: list[tuple[float, float]] | np.ndarray) -> PolygonZone:
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if len(pts) < 3:
            raise GeometryError(f"a polygon needs at least 3 points; got {len(pts)}")
        if abs(cv2.contourArea(pts)) < 1e-6:
            raise GeometryError(f"polygon has zero area: {pts.tolist()}")
        return cls(pts, pts.reshape(-1, 1, 2))

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """Boolean array: which of the ``(n, 2)`` points are inside or on the edge."""
        xy = np.asarray(xy, dtype=np.float32).reshape(-1, 2)
        return np.array(
            [cv2.pointPolygonTest(self._contour, (float(x), float(y)), False) >= 0 for x, y in xy],
            dtype=bool,
        )

    def mask(self, width: int, height: int) -> np.ndarray:
        """``uint8`` mask (255 inside) of the given frame size."""
        m = np.zeros((height, width), np.uint8)
        cv2.fillPoly(m, [np.round(self.points).astype(np.int32)], 255)
        return m

    def area_px(self) -> float:
        return float(abs(cv2.contourArea(self.points)))

    def bounds(self) -> tuple[int, int, int, int]:
        x1, y1 = np.floor(self.points.min(axis=0)).astype(int)
        x2, y2 = np.ceil(self.points.max(axis=0)).astype(int)
        return int(x1), int(y1), int(x2), int(y2)


@dataclass(frozen=True)
class GroundPlane:
    """Homography from image pixels to ground metres, from four point correspondences.

    Example:
        >>> g = GroundPlane.from_points([(0, 0), (100, 0), (100, 100), (0, 100)],
        ...                              [(0, 0), (5, 0), (5, 5), (0, 5)])
        >>> round(g.polygon_area_m2([(0, 0), (100, 0), (100, 100), (0, 100)]), 3)
        25.0
    """

    matrix: np.ndarray  # 3x3, image -> ground

    @classmethod
    def from_points(
        cls, image_points: list[tuple[float, float]], ground_points_m: list[tuple[float, float]]
    ) -> GroundPlane:
        src = np.asarray(image_points, dtype=np.float64).reshape(4, 2)
        dst = np.asarray(ground_points_m, dtype=np.float64).reshape(4, 2)
        for name, pts in (("image_points", src), ("ground_points_m", dst)):
            if abs(cv2.contourArea(pts.astype(np.float32))) < 1e-9:
                raise GeometryError(f"calibration {name} are collinear or repeated: {pts.tolist()}")
        h = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
        if h is None or not np.all(np.isfinite(h)) or abs(np.linalg.det(h)) < 1e-12:
            raise GeometryError("calibration points do not define a usable homography")
        return cls(h)

    def to_ground(self, xy: np.ndarray) -> np.ndarray:
        """``(n, 2)`` pixel points to ``(n, 2)`` ground points in metres."""
        pts = np.asarray(xy, dtype=np.float64).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(pts, self.matrix).reshape(-1, 2)

    def polygon_area_m2(self, polygon: list[tuple[float, float]] | np.ndarray) -> float:
        """Ground area of a pixel polygon (shoelace on the projected vertices)."""
        g = self.to_ground(np.asarray(polygon))
        x, y = g[:, 0], g[:, 1]
        return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)

    def mask_area_m2(self, mask: np.ndarray) -> float:
        """Ground area of the non-zero pixels of a mask: each pixel's own projected area summed.

        Pixel size varies across a perspective view, so this integrates the Jacobian determinant
        of the homography at each pixel centre instead of multiplying a pixel count by a constant.
        """
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            return 0.0
        h = self.matrix
        x = xs.astype(np.float64) + 0.5
        y = ys.astype(np.float64) + 0.5
        w = h[2, 0] * x + h[2, 1] * y + h[2, 2]
        # |det J| of (x,y)->(X,Y) for a homography is det(H) / w^3.
        return float(np.sum(np.abs(np.linalg.det(h) / w**3)))
