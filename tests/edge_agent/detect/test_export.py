"""A user's own YOLO, for real: ultralytics exports an (untrained) YOLOv8n built offline from its
architecture file, ``models install`` takes the ONNX file, and the ``yolo`` adapter runs it on a
shared clip. Needs the export venv (``scripts/setup_export``); ``.ci/run`` runs ``-m export``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config.models import ModelConfig
from edge_agent.detect import build_detector
from tests.conftest import REPO

pytestmark = pytest.mark.export

VENV = Path(os.environ.get("GRIDWATCH_EXPORT_VENV", REPO / ".venv-export"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    assert (VENV / "bin" / "edge-agent").is_file(), f"{VENV}: run scripts/setup_export first"
    work = tmp_path_factory.mktemp("export")
    env = os.environ | {"YOLO_OFFLINE": "1", "YOLO_CONFIG_DIR": str(work / "cfg")}
    build = "from ultralytics import YOLO; YOLO('yolov8n.yaml').save('untrained.pt')"
    subprocess.run([VENV / "bin" / "python", "-c", build], cwd=work, env=env, check=True)
    out = work / "mine.onnx"
    args = [VENV / "bin" / "edge-agent", "models", "export", "untrained.pt", "--imgsz", "320"]
    done = subprocess.run(
        [*args, "--out", str(out)], cwd=work, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kind: yolo" in done.stdout and "[1, 84, 2100]" in " ".join(done.stdout.split())
    return out


def test_export_install_and_run_on_a_shared_clip(exported, tmp_path, shared_data, frames):
    config = tmp_path / "box.yaml"
    config.write_text("box: {site_id: s, box_id: b}\ncameras: [{id: c, url: x.mp4}]\n")
    runner = CliRunner()
    args = ["models", "install", str(exported), "--dir", str(tmp_path / "m"), "-c", str(config)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "kind yolo, input 320x320" in result.output and "not in catalogue" in result.output
    prov = json.loads((tmp_path / "m" / "mine.onnx.provenance.json").read_text())
    assert prov["kind"] == "yolo" and "[1, 84, 2100]" in prov["graph"]
    detector = build_detector(ModelConfig(path="m/mine.onnx"), tmp_path)  # kind: auto
    assert detector.adapter.kind == "yolo"
    for image in frames.values():  # untrained weights: boxes are noise, the path is real
        found = detector.detect(image)
        assert (found.xyxy[:, 2:] <= [image.shape[1], image.shape[0]]).all()
    replay = runner.invoke(
        app,
        [
            "replay",
            str(shared_data / "video/car-park.mp4"),
            "--model",
            str(tmp_path / "m/mine.onnx"),
        ],
    )
    assert replay.exit_code == 0, replay.output
    assert "frames analysed" in replay.output
