"""Real frames of the shared clip, the two real detectors, and a tiny YOLO-layout ONNX builder."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from edge_agent.config.models import ModelConfig
from edge_agent.detect import Detector, build_detector

CLIP = "video/one-by-one-person.mp4"
#: Keyframes picked by looking at the clip: the room is empty at 0 s and 139 s; one person is in
#: view at 30 s (back to the camera, by the pillar), 75 s (close, bottom edge) and 130 s (centre).
KEYFRAME_SECONDS = (0, 30, 75, 130, 139)


@pytest.fixture(scope="session")
def frames(shared_data: Path) -> dict[int, np.ndarray]:
    """BGR keyframes of the clip by whole second (keyframe-only decode: fast)."""
    found: dict[int, np.ndarray] = {}
    with av.open(str(shared_data / CLIP)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        for frame in container.decode(stream):
            second = round(float(frame.time))
            if second in KEYFRAME_SECONDS and abs(frame.time - second) < 0.05:
                found[second] = frame.to_ndarray(format="bgr24")
    assert sorted(found) == list(KEYFRAME_SECONDS)
    return found


@pytest.fixture(scope="session")
def ssd(repo_root: Path) -> Detector:
    """The default model, exactly as a default config asks for it."""
    return build_detector(ModelConfig(), repo_root)


@pytest.fixture(scope="session")
def yolox(shared_data: Path) -> Detector:
    return build_detector(ModelConfig(path="models/yolox_nano.onnx", kind="yolox"), shared_data)


def write_const_model(
    path: Path, input_shape: list[int | str], output: np.ndarray, out_name: str = "output0"
) -> Path:
    """An ONNX graph: float input ``images`` -> ``output`` (a constant; the input only adds 0).

    Lets a test fix what a "model" answers and check the decoding around it.
    """
    const = numpy_helper.from_array(output.astype(np.float32), "const")
    zero = numpy_helper.from_array(np.zeros((), np.float32), "zero")
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
        helper.make_node("Add", ["const", "nothing"], [out_name]),
    ]
    graph = helper.make_graph(
        nodes,
        "const_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, list(output.shape))],
        initializer=[const, zero],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path
