"""Several cameras' keyframes in one run of the shared session: the same boxes as one by one."""

from __future__ import annotations

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect.batching import detect_batch
from edge_agent.detect.detector import PROJECT_ROOT, build_detector

MODEL = PROJECT_ROOT / "models/ssdlite_mobilenet_v2_person.onnx"


@pytest.fixture(scope="module")
def detector():
    return build_detector(ModelConfig(), PROJECT_ROOT)


def keyframes(path, every: int) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(stream)]
    return frames[::every]


def test_a_batch_finds_what_each_frame_alone_finds(shared_data, detector):
    images = keyframes(shared_data / "video/one-by-one-person.mp4", 9)  # empty and busy views
    images.append(keyframes(shared_data / "video/car-park.mp4", 1)[0])  # another camera's size
    slicings = [None] * len(images)
    slicings[1] = SlicingConfig(tile=320)
    alone = [detector.detect(img, sl) for img, sl in zip(images, slicings, strict=True)]
    together = detect_batch(detector, images, slicings, max_size=4)
    assert sum(len(d) for d in alone) > 0, "some keyframes show people"
    for one, (batched, timings) in zip(alone, together, strict=True):
        assert len(one) == len(batched)
        np.testing.assert_allclose(one.xyxy, batched.xyxy, atol=0.5)
        np.testing.assert_allclose(one.confidence, batched.confidence, atol=1e-3)
        assert timings["inference"] > 0


def test_models_time_compares_batch_sizes():
    res = CliRunner().invoke(app, ["models", "time", str(MODEL), "--batch", "1,2", "--runs", "2"])
    assert res.exit_code == 0, res.output
    assert "frames/s" in res.output and "best: batch.max_size" in res.output


def test_models_time_refuses_a_bad_batch_list():
    res = CliRunner().invoke(app, ["models", "time", str(MODEL), "--batch", "1,x"])
    assert res.exit_code == 2 and "--batch" in res.output
