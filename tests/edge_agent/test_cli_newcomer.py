"""Commands need only the environment they use; piped output is not folded at 80 columns."""

from __future__ import annotations

import io

from rich.table import Table
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.contract.console import PipeConsole

runner = CliRunner()


def test_config_check_does_not_need_the_mqtt_password(repo_root, monkeypatch):
    monkeypatch.delenv("GRIDWATCH_MQTT_PASSWORD", raising=False)
    config = str(repo_root / "configs/edge-box-01.yaml")
    result = runner.invoke(app, ["config", "check", config, "--skip-files"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "mqtt.password uses ${GRIDWATCH_MQTT_PASSWORD}" in result.output


def test_run_still_needs_the_mqtt_password(repo_root, monkeypatch):
    monkeypatch.delenv("GRIDWATCH_MQTT_PASSWORD", raising=False)
    config = str(repo_root / "configs/edge-box-01.yaml")
    result = runner.invoke(app, ["run", "--config", config])
    assert result.exit_code == 2
    assert "GRIDWATCH_MQTT_PASSWORD is not set" in result.output


def test_thresholds_show_does_not_need_the_mqtt_password(repo_root, monkeypatch):
    monkeypatch.delenv("GRIDWATCH_MQTT_PASSWORD", raising=False)
    config = str(repo_root / "configs/edge-box-01.yaml")
    result = runner.invoke(app, ["thresholds", "show", "--config", config, "--json"])
    assert result.exit_code == 0, result.output


def test_a_pipe_gets_whole_lines(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()
    table = Table()
    table.add_column("ticket")
    table.add_column("value", justify="right")
    table.add_row("crowd density over threshold " * 4, "12345678901234567890")
    PipeConsole(file=out).print(table)
    lines = out.getvalue().splitlines()
    assert len(lines) == 5  # top, header, rule, the one row, bottom: nothing folded
    assert "12345678901234567890" in lines[3]


def test_a_terminal_width_is_kept(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out = io.StringIO()
    PipeConsole(file=out).print("word " * 30)
    assert max(len(line) for line in out.getvalue().splitlines()) <= 60


def test_replay_with_a_config_does_not_need_the_mqtt_password(
    repo_root, shared_data, tmp_path, monkeypatch
):
    monkeypatch.delenv("GRIDWATCH_MQTT_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    config = str(repo_root / "configs/edge-box-01.yaml")
    clip = str(shared_data / "video/one-by-one-person.mp4")
    result = runner.invoke(app, ["replay", clip, "--config", config, "--camera", "alley-01"])
    assert result.exit_code == 0, result.output
    assert "lane-north" in result.output
    result = runner.invoke(
        app, ["replay", clip, "--config", config, "--mqtt", "mqtt://127.0.0.1:9"]
    )
    assert result.exit_code == 2 and "GRIDWATCH_MQTT_PASSWORD is not set" in result.output


def test_thresholds_set_and_zones_preview_need_no_password(
    repo_root, shared_data, tmp_path, monkeypatch
):
    monkeypatch.delenv("GRIDWATCH_MQTT_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "box.yaml"
    config.write_text((repo_root / "configs/edge-box-01.yaml").read_text())
    args = ["thresholds", "set", "alley-01", "lane-north", "warning_density", "2.5"]
    result = runner.invoke(app, [*args, "--config", str(config), "--user", "chief"])
    assert result.exit_code == 0, result.output
    assert "${GRIDWATCH_MQTT_PASSWORD}" in config.read_text()  # the secret stays a reference
    clip = str(shared_data / "video/one-by-one-person.mp4")
    out = tmp_path / "zones.png"
    preview = ["zones", "preview", "--config", str(config), "--camera", "alley-01"]
    result = runner.invoke(app, [*preview, "--video", clip, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
