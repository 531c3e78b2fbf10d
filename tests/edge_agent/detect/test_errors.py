"""A model that does not fit its configured kind fails at load, naming what was expected/found."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge_agent.bundled import bundled_model
from edge_agent.config.models import ModelConfig
from edge_agent.detect import build_detector, resolve_model_path
from edge_agent.errors import ModelError
from tests.edge_agent.detect.conftest import write_const_model

SSD = "models/ssdlite_mobilenet_v2_person.onnx"
YOLOX = "../shared/data/models/yolox_nano.onnx"


@pytest.fixture
def yolo_320(tmp_path: Path) -> Path:
    out = np.zeros((1, 84, 2100), np.float32)
    return write_const_model(tmp_path / "yolo320.onnx", [1, 3, 320, 320], out)


@pytest.mark.parametrize(
    ("model", "kind", "expected", "found"),
    [
        (
            YOLOX,
            "ssd_tf",
            "expected images of rank 4 and type uint8",
            "images float[1, 3, 416, 416]",
        ),
        (YOLOX, "yolo", "[batch, 4+classes, N] with 4+classes < N", "output float[1, 3549, 85]"),
        (SSD, "yolox", "type float", "image_tensor:0 uint8[?, ?, ?, 3]"),
        (SSD, "yolo", "type float", "image_tensor:0 uint8[?, ?, ?, 3]"),
        ("yolo320", "yolox", "[batch, 2100, 5+classes]", "output0 float[1, 84, 2100]"),
        ("yolo320", "ssd_tf", "type uint8", "images float[1, 3, 320, 320]"),
    ],
)
def test_wrong_kind_names_expected_and_found(repo_root, yolo_320, model, kind, expected, found):
    path = yolo_320 if model == "yolo320" else repo_root / model
    with pytest.raises(ModelError) as err:
        build_detector(ModelConfig(path=str(path), kind=kind), repo_root)
    message = str(err.value)
    assert str(path) in message
    assert f"model kind '{kind}'" in message
    assert expected in message
    assert f"found {found}" in message


def test_config_size_against_fixed_model_size(repo_root):
    cfg = ModelConfig(path=YOLOX, kind="yolox", input_size=(640, 640))
    with pytest.raises(ModelError, match=r"input size \(640, 640\).*fixed size \(416, 416\)"):
        build_detector(cfg, repo_root)


def test_two_outputs_refused_by_yolo(tmp_path):
    """ultralytics segmentation exports have two outputs: not a detection layout."""
    from onnx import TensorProto, helper, save

    nodes = [
        helper.make_node("Identity", ["images"], ["output0"]),
        helper.make_node("Identity", ["images"], ["output1"]),
    ]
    info = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes,
        "two",
        [info("images", TensorProto.FLOAT, [1, 3, 64, 64])],
        [info(n, TensorProto.FLOAT, [1, 3, 64, 64]) for n in ("output0", "output1")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    save(model, tmp_path / "two.onnx")
    with pytest.raises(
        ModelError, match=r"expected 1 output; found 2 outputs \(output0, output1\)"
    ):
        build_detector(ModelConfig(path="two.onnx", kind="yolo"), tmp_path)


def test_missing_file_lists_where_it_looked(tmp_path):
    with pytest.raises(ModelError) as err:
        build_detector(ModelConfig(path="models/nope.onnx"), tmp_path)
    message = str(err.value)
    assert "model file not found: models/nope.onnx" in message
    assert str(tmp_path / "models/nope.onnx") in message
    assert str(bundled_model("nope.onnx")) in message  # where the shipped models are


def test_a_shipped_model_is_found_from_any_folder(tmp_path):
    found = resolve_model_path("models/change_structural.onnx", tmp_path)
    assert found == bundled_model("change_structural.onnx") and found.is_file()


def test_not_onnx(tmp_path):
    (tmp_path / "fake.onnx").write_bytes(b"this is not a protobuf")
    with pytest.raises(ModelError, match=r"fake\.onnx: not a loadable ONNX model"):
        build_detector(ModelConfig(path="fake.onnx"), tmp_path)


@pytest.mark.parametrize(
    ("path", "base", "found_under"),
    [
        (SSD, "tmp", "repo"),  # not beside the config: the project's models/
        ("mine.onnx", "tmp", "tmp"),  # beside the config
        ("ABS", "tmp", "tmp"),  # absolute
    ],
)
def test_relative_paths_resolve_config_dir_then_project(
    tmp_path, repo_root, path, base, found_under
):
    (tmp_path / "mine.onnx").write_bytes(b"x")
    path = str(tmp_path / "mine.onnx") if path == "ABS" else path
    resolved = resolve_model_path(path, tmp_path if base == "tmp" else repo_root)
    assert resolved.parent.is_relative_to(tmp_path if found_under == "tmp" else repo_root)
    assert resolved.is_file()
