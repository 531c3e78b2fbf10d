"""The two real models on real frames of the shared clip: default SSD and the shared YOLOX."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect import Detector, build_detector
from edge_agent.detect.nms import iou_matrix
from edge_agent.detections import PERSON_CLASS

TILES = SlicingConfig(tile=432, overlap=0.2, full_frame=True)

CASES = [
    # detector, second, slicing, people in view
    ("ssd", 0, None, False),
    ("ssd", 75, None, True),
    ("ssd", 130, None, True),
    ("ssd", 30, TILES, True),  # small and seen from behind: needs square tiles with SSD
    ("ssd", 139, None, False),
    ("ssd", 0, TILES, False),
    ("yolox", 0, None, False),
    ("yolox", 30, None, True),
    ("yolox", 75, None, True),
    ("yolox", 130, None, True),
    ("yolox", 139, None, False),
    ("yolox", 30, TILES, True),
]


@pytest.mark.parametrize(("which", "second", "slicing", "present"), CASES)
def test_people_found_only_when_in_view(request, frames, which, second, slicing, present):
    detector: Detector = request.getfixturevalue(which)
    found = detector.detect(frames[second], slicing)
    if present:
        assert len(found) == 1, f"{which} at {second}s: {found.xyxy.tolist()}"
    else:
        assert len(found) == 0, f"{which} at {second}s: {found.xyxy.tolist()}"
    h, w = frames[second].shape[:2]
    assert np.all(found.class_id == PERSON_CLASS)
    assert np.all(found.confidence >= detector.config.confidence)
    assert np.all((found.xyxy >= 0) & (found.xyxy <= [w, h, w, h]))


@pytest.mark.parametrize("second", [75, 130])
def test_both_adapters_put_the_person_in_the_same_place(ssd, yolox, frames, second):
    """Two unrelated models and decoders agree: the box mapping back to frame pixels is right."""
    a, b = ssd.detect(frames[second]), yolox.detect(frames[second])
    assert iou_matrix(a.xyxy, b.xyxy)[0, 0] > 0.7


@pytest.mark.parametrize("which", ["ssd", "yolox"])
def test_stage_timings_recorded(request, frames, which):
    detector: Detector = request.getfixturevalue(which)
    detector.detect(frames[130])
    timings = detector.last_timings
    assert set(timings) == {"preprocess", "inference", "postprocess"}
    assert all(v > 0 for v in timings.values())


def test_batched_tiles_equal_looped_tiles(ssd, frames):
    """The SSD graph takes a batch; one batched run must give what one run per tile gives."""
    assert ssd.adapter.batchable
    batched = ssd.detect(frames[30], TILES)
    single = Detector(ssd.session, _Unbatched(ssd.adapter), ssd.config).detect(frames[30], TILES)
    np.testing.assert_allclose(batched.xyxy, single.xyxy, atol=0.5)
    np.testing.assert_allclose(batched.confidence, single.confidence, atol=1e-3)


class _Unbatched:
    """The same adapter, claiming it cannot batch."""

    batchable = False

    def __init__(self, inner):
        self._inner = inner
        self.kind = inner.kind

    def prepare(self, images):
        assert len(images) == 1
        return self._inner.prepare(images)

    def decode(self, outputs, prepared):
        return self._inner.decode(outputs, prepared)


@pytest.mark.parametrize("concurrent", [1, 4])
def test_shared_by_camera_threads(yolox, frames, shared_data, concurrent):
    """Four camera threads on one detector get what one thread gets, and their own timings,
    whether the session runs one inference at a time or four at once."""
    if concurrent > 1:
        cfg = ModelConfig(path="models/yolox_nano.onnx", kind="yolox", threads=1)
        yolox = build_detector(cfg, shared_data, concurrent=concurrent)
    seconds = [0, 30, 75, 130]
    expected = {s: yolox.detect(frames[s]).xyxy for s in seconds}
    results: dict[int, list] = {s: [] for s in seconds}

    def camera(second: int) -> None:
        for _ in range(3):
            results[second].append((yolox.detect(frames[second]).xyxy, yolox.last_timings))

    threads = [threading.Thread(target=camera, args=(s,)) for s in seconds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for second in seconds:
        assert len(results[second]) == 3
        for boxes, timings in results[second]:
            np.testing.assert_allclose(boxes, expected[second], atol=1e-3)
            assert set(timings) == {"preprocess", "inference", "postprocess"}
