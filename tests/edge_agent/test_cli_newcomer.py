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
    result = runner.invoke(app, ["config", "check", str(repo_root / "configs/edge-box-01.yaml")])
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
