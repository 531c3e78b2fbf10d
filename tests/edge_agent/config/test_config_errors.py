"""Every config error is one message naming the file, the key and the value — never a traceback —
and a run that could not read any camera fails loudly (CliRunner, the real CLI)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edge_agent.cli.main import app

runner = CliRunner()


def _config(tmp_path: Path, **mqtt) -> dict:
    return {
        "box": {"site_id": "xitang", "box_id": "b1"},
        "mqtt": {"url": "mqtt://127.0.0.1:1", "outbox": {"path": str(tmp_path / "o.sqlite")}}
        | mqtt,
        "evidence": {"dir": str(tmp_path / "evidence")},
        "baseline_dir": str(tmp_path / "baselines"),
        "cameras": [{"id": "c1", "url": str(tmp_path / "clip.mp4")}],
    }


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "box.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _clean_error(res, *words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and "UnicodeDecodeError" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    for word in words:
        assert word in res.output, res.output


@pytest.mark.parametrize("command", [["config", "check"], ["run", "--config"]])
def test_non_utf8_bytes_name_the_file_key_and_bytes(tmp_path, command):
    path = _write(tmp_path, _config(tmp_path))
    text = path.read_bytes().replace(b"clip.mp4", "café.mp4".encode("latin-1"))
    path.write_bytes(text)
    res = runner.invoke(app, [*command, str(path)])
    _clean_error(res, str(path), "cameras[0].url", "not UTF-8", "e9")


def test_non_utf8_bytes_in_a_comment_name_the_line(tmp_path):
    path = _write(tmp_path, _config(tmp_path))
    path.write_bytes(b"# box b1 \xff\xfe\n" + path.read_bytes())
    res = runner.invoke(app, ["config", "check", str(path)])
    _clean_error(res, str(path), "line 1", "ff")


def test_a_missing_model_file_is_named(tmp_path):
    data = _config(tmp_path) | {"model": {"path": "models/nope.onnx"}}
    res = runner.invoke(app, ["config", "check", str(_write(tmp_path, data))])
    _clean_error(res, "model.path", "'models/nope.onnx'", "model file not found")


@pytest.mark.parametrize(("content", "words"), [(None, "cannot read"), (b"ab", "shorter than 16")])
def test_a_missing_or_unusable_signing_key_is_named(tmp_path, monkeypatch, content, words):
    monkeypatch.chdir(tmp_path)  # relative to the working directory, as `run` reads it
    if content is not None:
        (tmp_path / "b1.key").write_bytes(content)
    path = _write(tmp_path, _config(tmp_path, signing_key_file="b1.key"))
    res = runner.invoke(app, ["config", "check", str(path)])
    _clean_error(res, "mqtt.signing_key_file", "'b1.key'", words)


def test_files_present_pass_and_skip_files_checks_only_the_yaml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b1.key").write_text("ab" * 32)
    path = _write(tmp_path, _config(tmp_path, signing_key_file="b1.key"))
    assert runner.invoke(app, ["config", "check", str(path)]).exit_code == 0
    (tmp_path / "b1.key").unlink()
    assert runner.invoke(app, ["config", "check", "--skip-files", str(path)]).exit_code == 0


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("rtsp://", "needs a host"),
        ("rtsp://:554/s1", "needs a host"),
        ("rtsp://cam:99999/s", "port"),
    ],
)
def test_an_unusable_camera_url_is_refused(tmp_path, url, words):
    data = _config(tmp_path)
    data["cameras"][0]["url"] = url
    res = runner.invoke(app, ["config", "check", str(_write(tmp_path, data))])
    _clean_error(res, "cameras[0].url", repr(url), words)


@pytest.mark.parametrize("camera", ["missing", "corrupt"])
def test_run_fails_at_error_level_when_no_camera_can_be_read(tmp_path, caplog, camera):
    data = _config(tmp_path)
    if camera == "corrupt":
        (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    path = _write(tmp_path, data)
    with caplog.at_level(logging.INFO):
        res = runner.invoke(app, ["run", "--config", str(path), "--max-seconds", "30"])
    assert res.exit_code == 1, res.output
    assert "no camera could be read" in res.output and "c1" in res.output
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("no camera could be read" in r.getMessage() for r in errors)
