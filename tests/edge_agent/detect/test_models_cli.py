"""``edge-agent models info|export``: real models in, clean messages and exit codes out."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from edge_agent.cli.main import app
from tests.edge_agent.detect.conftest import write_const_model

runner = CliRunner()


def invoke(*args: str):
    """Run the CLI; returns (exit code, output with rich's line wrapping undone)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("models/ssdlite_mobilenet_v2_person.onnx", "ssd_tf"),
        ("../shared/data/models/yolox_nano.onnx", "yolox"),
    ],
)
def test_info_names_tensors_and_kind(repo_root, model, kind):
    code, output = invoke("models", "info", str(repo_root / model))
    assert code == 0, output
    assert f"fits kind: {kind}" in output
    assert ("image_tensor:0" if kind == "ssd_tf" else "images") in output


def test_info_on_a_yolo_export(tmp_path):
    path = write_const_model(tmp_path / "y.onnx", [1, 3, 320, 320], np.zeros((1, 84, 2100)))
    code, output = invoke("models", "info", str(path))
    assert code == 0, output
    assert "fits kind: yolo" in output and "[1, 84, 2100]" in output


def test_info_when_no_kind_fits(tmp_path):
    path = write_const_model(tmp_path / "odd.onnx", [1, 3, 64, 64], np.zeros((1, 7)))
    code, output = invoke("models", "info", str(path))
    assert code == 1
    assert "no adapter kind fits" in output
    assert "yolo:" in output and "ssd_tf:" in output


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "model file not found"), (b"not onnx", "not a loadable ONNX model")],
)
def test_info_bad_file(tmp_path, content, message):
    path = tmp_path / "m.onnx"
    if content is not None:
        path.write_bytes(content)
    code, output = invoke("models", "info", str(path))
    assert code == 2
    assert message in output and "Traceback" not in output


def test_export_without_ultralytics_says_which_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ultralytics", None)  # import fails as if not installed
    code, output = invoke("models", "export", str(tmp_path / "w.pt"))
    assert code == 2
    assert "'export' extra" in output and "gridwatch[export]" in output


@pytest.mark.parametrize(
    ("model", "kind", "extra"),
    [
        ("../shared/data/models/yolox_nano.onnx", "yolox", ["--video", "video/car-park.mp4"]),
        ("models/ssdlite_mobilenet_v2_person.onnx", "ssd_tf", ["--tile", "320"]),
    ],
)
def test_time_reports_stage_milliseconds(repo_root, shared_data, model, kind, extra):
    extra = [str(shared_data / a) if a.endswith(".mp4") else a for a in extra]
    code, output = invoke(
        "models", "time", str(repo_root / model), "--kind", kind, "--runs", "3", *extra
    )
    assert code == 0, output
    assert "ms/frame" in output
    for stage in ("preprocess", "inference", "postprocess"):
        assert stage in output
    assert ("3 distinct frames" if "--video" in extra else "1 distinct frames") in output


def test_time_on_unreadable_video(repo_root, tmp_path):
    (tmp_path / "v.mp4").write_bytes(b"no video")
    model = str(repo_root / "models/ssdlite_mobilenet_v2_person.onnx")
    code, output = invoke("models", "time", model, "--video", str(tmp_path / "v.mp4"))
    assert code == 2
    assert "cannot read video frames" in output


def test_every_command_and_parameter_has_help():
    group = typer.main.get_command(app).commands["models"]
    assert group.help
    assert sorted(group.commands) == ["catalogue", "export", "fetch", "info", "install", "time"]
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name}"
