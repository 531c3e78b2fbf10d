"""Zone membership and ground areas against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from edge_agent.config import parse
from edge_agent.errors import GeometryError
from edge_agent.zones.area import zone_area_m2
from edge_agent.zones.geometry import GroundPlane, PolygonZone


def test_bottom_centre_membership():
    zone = PolygonZone.from_points([(100, 100), (300, 100), (300, 300), (100, 300)])
    pts = np.array([[200, 200], [100, 150], [99, 150], [200, 301]])
    assert zone.contains(pts).tolist() == [True, True, False, False]


def test_homography_area_hand_computed_trapezoid():
    # A 4 m × 10 m rectangle on the ground, seen in perspective as a trapezoid:
    # near edge 400 px wide at y=400, far edge 100 px wide at y=100.
    image = [(100, 400), (500, 400), (350, 100), (250, 100)]
    ground = [(0, 0), (4, 0), (4, 10), (0, 10)]
    g = GroundPlane.from_points(image, ground)
    assert g.polygon_area_m2(image) == pytest.approx(40.0, rel=1e-9)
    # The near half of the rectangle (0..5 m) is its own image: find the 5 m line by projection.
    inv = np.linalg.inv(g.matrix)
    mid = inv @ np.array([0, 5, 1.0])
    y_mid = mid[1] / mid[2]
    # Hand computation (pinhole): width ∝ 1/depth, so the far edge is 4× as deep as the near one:
    # depth Z = Z0 (1 + 0.3 d) for d metres along the lane; at d = 5, Z = 2.5 Z0. Image y is
    # affine in 1/Z: y = 100 + 300 * (1/2.5 - 1/4) / (1 - 1/4) = 160 — not the midpoint 250.
    assert y_mid == pytest.approx(160.0, abs=1e-6)
    # Pixel-mask integration agrees with the polygon area within a pixel's rounding.
    mask = PolygonZone.from_points(image).mask(600, 500)
    assert g.mask_area_m2(mask) == pytest.approx(40.0, rel=0.03)


def test_zone_area_from_calibration_in_config():
    data = {
        "box": {"site_id": "s", "box_id": "b"},
        "cameras": [
            {
                "id": "c",
                "url": "x",
                "zones": [
                    {
                        "id": "z",
                        "kind": "alley",
                        "grid_cell": "330421101001001",
                        "polygon": [[100, 400], [500, 400], [350, 100], [250, 100]],
                        "calibration": {
                            "image_points": [[100, 400], [500, 400], [350, 100], [250, 100]],
                            "ground_points_m": [[0, 0], [4, 0], [4, 10], [0, 10]],
                        },
                    }
                ],
            }
        ],
    }
    zone = parse(data).cameras[0].zones[0]
    assert zone_area_m2(zone) == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("image", "ground"),
    [
        ([(0, 0), (1, 1), (2, 2), (3, 3)], [(0, 0), (1, 0), (1, 1), (0, 1)]),
        ([(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (0, 0), (0, 0), (0, 0)]),
    ],
)
def test_degenerate_calibration_is_refused(image, ground):
    with pytest.raises(GeometryError, match="collinear or repeated"):
        GroundPlane.from_points(image, ground)
