"""``edge-agent models fetch|install``: the real YOLOX-nano file over real HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import load
from edge_agent.detect import build_detector
from edge_agent.models_store import load_catalogue
from tests.edge_agent.detect.conftest import write_const_model
from tests.edge_agent.models_store.conftest import YOLOX

runner = CliRunner()

CONFIG = """\
# edge box config (a comment that must survive)
box: {site_id: xitang, box_id: box-01}
model:
  confidence: 0.3   # tuned by hand
  kind: ssd_tf
cameras:
  - id: cam-1
    url: rtsp://127.0.0.1/x
"""


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_shipped_catalogue_hash_is_the_test_datas_file(shared_data):
    entry = load_catalogue().entry("yolox_nano")
    data = (shared_data / YOLOX).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry.sha256
    assert len(data) == entry.bytes and entry.kind.value == "yolox"


def test_fetch_writes_checked_model_provenance_and_config(model_server, tmp_path, shared_data):
    config = tmp_path / "box.yaml"
    config.write_text(CONFIG)
    target = tmp_path / "models"
    code, out = invoke(
        "models", "fetch", "yolox_nano", "--dir", str(target), "--url", f"{model_server}/whole",
        "--config", str(config),
    )  # fmt: skip
    assert code == 0, out
    model = target / "yolox_nano.onnx"
    assert model.read_bytes() == (shared_data / YOLOX).read_bytes()
    prov = json.loads((target / "yolox_nano.onnx.provenance.json").read_text())
    assert prov["sha256"] == load_catalogue().entry("yolox_nano").sha256
    assert prov["licence"] == "Apache-2.0" and prov["fetched_from"].endswith("/whole")
    text = config.read_text()
    assert "a comment that must survive" in text and "# tuned by hand" in text
    cfg = load(config)
    assert cfg.model.kind.value == "yolox" and cfg.model.confidence == 0.3
    assert cfg.model.path == "models/yolox_nano.onnx"  # relative to the config's folder
    detector = build_detector(cfg.model, config.parent)
    assert detector.adapter.kind == "yolox"
    assert sorted(p.name for p in target.iterdir()) == [
        "yolox_nano.onnx",
        "yolox_nano.onnx.provenance.json",
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/other", "is not the catalogue's"),
        ("/missing", "HTTP 404"),
        ("/truncated", "truncated"),
    ],
)
def test_fetch_failures_leave_nothing(model_server, tmp_path, path, message):
    code, out = invoke(
        "models", "fetch", "yolox_nano", "--dir", str(tmp_path), "--url", model_server + path
    )
    assert code == 2, out
    assert message in out and model_server + path in out and "Traceback" not in out
    assert list(tmp_path.iterdir()) == []


def test_fetch_without_network_points_to_install(tmp_path, closed_port):
    url = f"http://127.0.0.1:{closed_port}/yolox_nano.onnx"
    code, out = invoke("models", "fetch", "yolox_nano", "--dir", str(tmp_path), "--url", url)
    assert code == 2, out
    assert "Connection refused" in out and "models install" in out
    assert list(tmp_path.iterdir()) == []


def test_fetch_unknown_name(tmp_path):
    code, out = invoke("models", "fetch", "yolov99", "--dir", str(tmp_path))
    assert code == 2 and "no model 'yolov99' in the catalogue; known: yolox_nano" in out


def test_fetch_keeps_a_good_file_and_replaces_a_bad_one(model_server, tmp_path, shared_data):
    url = f"{model_server}/whole"
    good = (shared_data / YOLOX).read_bytes()
    (tmp_path / "yolox_nano.onnx").write_bytes(b"corrupt")
    assert invoke("models", "fetch", "yolox_nano", "--dir", str(tmp_path), "--url", url)[0] == 0
    assert (tmp_path / "yolox_nano.onnx").read_bytes() == good
    code, out = invoke("models", "fetch", "yolox_nano", "--dir", str(tmp_path), "--url", url)
    assert code == 0 and "already there" in out


def test_install_offline_detects_kind_and_recognises_catalogue_file(tmp_path, shared_data):
    config = tmp_path / "box.yaml"
    config.write_text(CONFIG)
    code, out = invoke(
        "models", "install", str(shared_data / YOLOX), "--dir", str(tmp_path / "m"),
        "--config", str(config), "--name", "nano",
    )  # fmt: skip
    assert code == 0, out
    assert "kind yolox, input 416x416" in out and "catalogue model yolox_nano" in out
    prov = json.loads((tmp_path / "m" / "nano.onnx.provenance.json").read_text())
    assert prov["licence"] == "Apache-2.0" and prov["catalogue"] == "yolox_nano"
    assert "output float[1, 3549, 85]" in prov["graph"]
    assert load(config).model.path == "m/nano.onnx"


def test_install_a_users_yolo_layout(tmp_path):
    own = write_const_model(tmp_path / "mine.onnx", [1, 3, 320, 320], np.zeros((1, 84, 2100)))
    code, out = invoke("models", "install", str(own), "--dir", str(tmp_path / "m"))
    assert code == 0, out
    assert "kind yolo, input 320x320" in out and "not in catalogue" in out
    prov = json.loads((tmp_path / "m" / "mine.onnx.provenance.json").read_text())
    assert (
        prov["licence"] is None and prov["sha256"] == hashlib.sha256(own.read_bytes()).hexdigest()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not onnx", "not a loadable ONNX model"), ("odd", "no adapter kind fits")],
)
def test_install_refuses_unusable_graphs(tmp_path, content, message):
    path = tmp_path / "bad.onnx"
    if content == "odd":
        write_const_model(path, [1, 3, 64, 64], np.zeros((1, 7)))
    else:
        path.write_bytes(content)
    code, out = invoke("models", "install", str(path), "--dir", str(tmp_path / "m"))
    assert code == 2 and message in out and "not installed" in out
    assert not (tmp_path / "m").exists()


def test_catalogue_lists_entries():
    code, out = invoke("models", "catalogue")
    assert code == 0 and "yolox_nano" in out and "Apache-2.0" in out


def test_bad_catalogue_names_file_and_key(tmp_path):
    bad = tmp_path / "cat.yaml"
    entry = load_catalogue().entry("yolox_nano").model_dump(mode="json") | {"sha256": "abc"}
    bad.write_text(yaml.safe_dump({"models": [entry]}))
    code, out = invoke("models", "fetch", "yolox_nano", "--catalogue", str(bad))
    assert code == 2 and str(bad) in out and "models[0].sha256 = 'abc'" in out


def test_kind_auto_is_the_default(repo_root):
    from edge_agent.config.models import ModelConfig

    assert ModelConfig().kind.value == "auto"
    assert build_detector(ModelConfig(), repo_root).adapter.kind == "ssd_tf"


def test_auto_names_every_reason_when_no_kind_fits(tmp_path):
    from edge_agent.config.models import ModelConfig
    from edge_agent.errors import ModelError

    path = write_const_model(tmp_path / "odd.onnx", [1, 3, 64, 64], np.zeros((1, 7)))
    with pytest.raises(ModelError, match="no adapter kind fits.*ssd_tf:.*yolo:.*yolox:"):
        build_detector(ModelConfig(path=str(path)), tmp_path)
