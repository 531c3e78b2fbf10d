"""Adapters on graphs that answer known outputs: decoding, letterbox undo, filters, NMS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge_agent.config.models import ModelConfig
from edge_agent.detect import build_detector
from tests.edge_agent.detect.conftest import write_const_model

ANCHORS = 100
# (cx, cy, w, h) in 320x320 input pixels, class, score
ROWS = [
    ((100, 160, 40, 80), 0, 0.9),  # A
    ((102, 161, 40, 80), 0, 0.7),  # A again, slightly shifted: NMS drops it
    ((250, 100, 60, 60), 0, 0.8),  # B, its top in the letterbox padding: clipped
    ((200, 200, 50, 50), 2, 0.95),  # C, a car
    ((50, 120, 20, 20), 0, 0.2),  # D, below the confidence threshold
    ((300, 40, 20, 20), 0, 0.85),  # E, wholly in the letterbox padding: no box in the frame
]
# A 640x320 frame letterboxes to 320x160 at y=80: frame = (input - (0, 80)) / 0.5, then clipped.
A = [160, 80, 240, 240]
B = [440, 0, 560, 100]
C = [350, 190, 450, 290]
D = [80, 60, 120, 100]


def yolo_output(rows=ROWS, classes: int = 80) -> np.ndarray:
    out = np.zeros((1, 4 + classes, ANCHORS), np.float32)
    for i, (box, cls, score) in enumerate(rows):
        out[0, :4, i] = box
        out[0, 4 + cls, i] = score
    return out


@pytest.fixture
def yolo_model(tmp_path: Path) -> Path:
    return write_const_model(tmp_path / "const_yolo.onnx", [1, 3, 320, 320], yolo_output())


@pytest.mark.parametrize(
    ("classes", "confidence", "boxes", "scores"),
    [
        ([0], 0.4, [A, B], [0.9, 0.8]),
        ([0, 2], 0.4, [C, A, B], [0.95, 0.9, 0.8]),
        ([2], 0.4, [C], [0.95]),
        ([0], 0.85, [A], [0.9]),
        ([0], 0.1, [A, B, D], [0.9, 0.8, 0.2]),
    ],
)
def test_decodes_known_boxes(yolo_model, classes, confidence, boxes, scores):
    cfg = ModelConfig(path=str(yolo_model), kind="yolo", classes=classes, confidence=confidence)
    detector = build_detector(cfg, yolo_model.parent)
    found = detector.detect(np.zeros((320, 640, 3), np.uint8))
    np.testing.assert_allclose(found.xyxy, boxes, atol=1e-3)
    np.testing.assert_allclose(found.confidence, scores, atol=1e-6)
    assert detector.adapter.size == (320, 320)


def test_single_class_model(tmp_path):
    """A user's own one-class (person) export: [1, 5, N]."""
    path = write_const_model(tmp_path / "one.onnx", [1, 3, 320, 320], yolo_output(ROWS[:3], 1))
    detector = build_detector(ModelConfig(path=str(path), kind="yolo"), tmp_path)
    found = detector.detect(np.zeros((320, 640, 3), np.uint8))
    np.testing.assert_allclose(found.xyxy, [A, B], atol=1e-3)


def test_dynamic_size_model_takes_config_size(tmp_path):
    path = write_const_model(tmp_path / "dyn.onnx", [1, 3, "h", "w"], yolo_output())
    cfg = ModelConfig(path=str(path), kind="yolo", input_size=(320, 320))
    detector = build_detector(cfg, tmp_path)
    assert detector.adapter.size == (320, 320)
    found = detector.detect(np.zeros((320, 640, 3), np.uint8))
    np.testing.assert_allclose(found.xyxy, [A, B], atol=1e-3)


def yolox_output() -> np.ndarray:
    """128x128 input: anchors 16x16 (stride 8), 8x8 (16), 4x4 (32) = 336 rows of 85."""
    out = np.zeros((1, 336, 85), np.float32)
    # stride 16, cell (3, 2): row 256 + 2*8 + 3; centre (3.5, 2.25) cells, w 2, h 4 cells
    out[0, 275, :6] = [0.5, 0.25, np.log(2), np.log(4), 0.9, 0.8]
    # stride 8, cell (1, 1): row 17; centre (1, 1) cells, 1x1 cell; score 0.5 * 0.9
    out[0, 17, :5], out[0, 17, 5] = [0, 0, 0, 0, 0.5], 0.9
    out[0, 30, :5], out[0, 30, 6] = [0, 0, 0, 0, 0.3], 1.0  # objectness too low
    out[0, 40, :5], out[0, 40, 7] = [0, 0, 0, 0, 0.9], 0.9  # class 2 at stride 8, cell (8, 2)
    return out


@pytest.mark.parametrize(
    ("classes", "boxes", "scores"),
    [
        # a 256x128 frame sits top-left at half scale: frame = input * 2, clipped to 128 high
        ([0], [[80, 8, 144, 128], [8, 8, 24, 24]], [0.72, 0.45]),
        ([0, 2], [[120, 24, 136, 40], [80, 8, 144, 128], [8, 8, 24, 24]], [0.81, 0.72, 0.45]),
    ],
)
def test_yolox_decodes_grid_and_strides(tmp_path, classes, boxes, scores):
    path = write_const_model(tmp_path / "yolox.onnx", [1, 3, 128, 128], yolox_output(), "output")
    cfg = ModelConfig(path=str(path), kind="yolox", classes=classes, confidence=0.4)
    found = build_detector(cfg, tmp_path).detect(np.zeros((128, 256, 3), np.uint8))
    np.testing.assert_allclose(found.xyxy, boxes, atol=1e-3)
    np.testing.assert_allclose(found.confidence, scores, atol=1e-6)
