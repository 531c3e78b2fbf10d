"""``edge-agent baseline capture|show|accept`` on real clips, through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, shared_data: Path) -> Path:
    path = tmp_path / "agent.yaml"
    path.write_text(
        f"""
box: {{site_id: xitang, box_id: box1}}
baseline_dir: {tmp_path / "baselines"}
cameras:
  - id: lane7
    url: {shared_data / "video" / "road.avi"}
    zones:
      - id: sheds
        kind: construction_watch
        polygon: [[0, 60], [319, 60], [319, 239], [0, 239]]
        grid_cell: "330421101001001"
  - id: hall
    url: {shared_data / "video" / "one-by-one-person.mp4"}
"""
    )
    return path


def _audit(tmp_path: Path) -> list[dict]:
    text = (tmp_path / "baselines" / "audit.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


def test_capture_show_accept_are_audited(config: Path, tmp_path: Path, shared_data: Path) -> None:
    res = runner.invoke(
        app,
        [
            "baseline",
            "capture",
            "lane7",
            "-c",
            str(config),
            "--frames",
            "3",
            "--spacing-s",
            "5",
            "--by",
            "alice",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "baselines" / "lane7" / "sheds" / "day.png").is_file()
    first = _audit(tmp_path)
    assert [(a["action"], a["who"], a["old_sha256"]) for a in first] == [("capture", "alice", None)]

    res = runner.invoke(app, ["baseline", "show", "lane7", "-c", str(config), "--json"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.output)
    assert [(r["zone"], r["lighting"], r["frames"], r["size"]) for r in shown["references"]] == [
        ("sheds", "day", 3, "320x240")
    ]
    assert shown["references"][0]["sha256"] == first[0]["new_sha256"]
    assert shown["references"][0]["taken_at"] is not None  # a file's epoch + the last pts

    other = shared_data / "video" / "highway.avi"  # another view: a settled case, new reference
    res = runner.invoke(
        app,
        [
            "baseline",
            "accept",
            "lane7",
            "sheds",
            "-c",
            str(config),
            "--video",
            str(other),
            "--frames",
            "2",
            "--lighting",
            "day",
            "--no-detect",
            "--by",
            "bob",
            "--note",
            "case 42 demolished",
        ],
    )
    assert res.exit_code == 0, res.output
    audit = _audit(tmp_path)
    assert [a["action"] for a in audit] == ["capture", "accept"]
    assert audit[1]["old_sha256"] == first[0]["new_sha256"] != audit[1]["new_sha256"]
    assert (audit[1]["who"], audit[1]["note"]) == ("bob", "case 42 demolished")

    out = tmp_path / "export"
    res = runner.invoke(app, ["baseline", "show", "lane7", "-c", str(config), "--export", str(out)])
    assert res.exit_code == 0, res.output
    assert "accept" in res.output and (out / "lane7-sheds-day.png").is_file()
    under_a_file = config / "export"
    res = runner.invoke(
        app, ["baseline", "show", "lane7", "-c", str(config), "--export", str(under_a_file)]
    )
    assert res.exit_code == 2 and "cannot export" in res.output


def test_camera_without_zones_uses_the_whole_frame(config: Path, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        ["baseline", "capture", "hall", "-c", str(config), "--frames", "2", "--spacing-s", "10"],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "baselines" / "hall" / "frame" / "day.json").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["capture", "nope"], "no camera 'nope'"),
        (["capture", "lane7", "roof"], "no construction-watch zone 'roof'"),
        (["show", "lane7", "roof"], "no construction-watch zone 'roof'"),
        (["capture", "lane7", "--video", "/nonexistent.mp4", "--no-detect"], "cannot open"),
    ],
)
def test_errors_are_clean(config: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, ["baseline", *args, "-c", str(config)])
    assert res.exit_code == 2
    assert message in res.output


def test_every_command_has_help() -> None:
    for cmd in ("capture", "show", "accept"):
        res = runner.invoke(app, ["baseline", cmd, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output
