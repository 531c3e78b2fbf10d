"""Fitting a camera picture into a network input: the shrink is close to area averaging and keeps
the geometry the boxes are mapped back with."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from edge_agent.detect.letterbox import letterbox, resize, stretch


@pytest.fixture(scope="module")
def keyframe(shared_data) -> np.ndarray:
    with av.open(str(shared_data / "video" / "one-by-one-person.mp4")) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == 200:  # someone in view
                return frame.to_ndarray(format="bgr24")
    raise AssertionError("clip too short")


@pytest.mark.parametrize("size", [(300, 300), (320, 180), (96, 96), (768, 432), (1000, 600)])
def test_resize_is_close_to_area_averaging(keyframe, size):
    out = resize(keyframe, size)
    area = cv2.resize(keyframe, size, interpolation=cv2.INTER_AREA)
    assert out.shape == (size[1], size[0], 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - area).mean() < 1.5


@pytest.mark.parametrize("shape", [(433, 767), (1081, 1921), (601, 299)])
def test_an_odd_side_keeps_the_mapping(shape):
    """A bright block maps to where the placement says, whatever halvings an odd side took."""
    h, w = shape
    image = np.zeros((h, w, 3), np.uint8)
    x0, y0, x1, y1 = w // 4, h // 3, w // 2, 2 * h // 3
    image[y0:y1, x0:x1] = 255
    for fitted, place in (stretch(image, (150, 150)), letterbox(image, (160, 160), pad_value=0)):
        ys, xs = np.nonzero(fitted[:, :, 0] > 127)
        found = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], float)
        expected = np.array(
            [
                x0 * place.scale_x + place.pad_x,
                y0 * place.scale_y + place.pad_y,
                x1 * place.scale_x + place.pad_x,
                y1 * place.scale_y + place.pad_y,
            ]
        )
        assert np.abs(found - expected).max() <= 1.0
