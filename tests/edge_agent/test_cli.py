"""The operator's command line: help everywhere, thresholds, zone preview, the sample clip."""

from __future__ import annotations

import json
import signal

import cv2
import pytest
import typer
from typer.testing import CliRunner

from edge_agent.bench import ModeCost, verdict
from edge_agent.cli.main import app

runner = CliRunner()


def walk(cmd, path=()):
    yield path, cmd
    if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
        for name, sub in cmd.commands.items():
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "root")
def test_every_command_has_help(path):
    cmd = dict(COMMANDS)[path]
    assert (cmd.help or "").strip(), f"edge-agent {' '.join(path)} has no help text"
    for param in cmd.params:
        if getattr(param, "param_type_name", "") == "option" and param.name != "help":
            assert (param.help or "").strip(), f"{' '.join(path)} --{param.name} has no help"
    res = runner.invoke(app, [*path, "--help"])
    assert res.exit_code == 0, res.output


def test_expected_commands_exist():
    names = {" ".join(p) for p, _ in COMMANDS}
    for want in [
        "run",
        "replay",
        "bench",
        "config check",
        "thresholds show",
        "thresholds set",
        "zones preview",
        "models export",
        "models info",
        "baseline capture",
        "baseline show",
        "baseline accept",
    ]:
        assert want in names, f"missing command: edge-agent {want}"


def test_thresholds_set_and_show(tmp_path, repo_root, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_MQTT_PASSWORD", "x")
    f = tmp_path / "box.yaml"
    f.write_text((repo_root / "configs/edge-box-01.yaml").read_text())
    res = runner.invoke(
        app,
        [
            "thresholds",
            "set",
            "alley-01",
            "lane-north",
            "warning_density",
            "2.5",
            "--config",
            str(f),
            "--user",
            "duty-chief-wang",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2.17 → 2.5" not in res.output  # the zone had no override: old value is None
    assert "None → 2.5" in res.output
    shown = runner.invoke(
        app, ["thresholds", "show", "--config", str(f), "--camera", "alley-01", "--json"]
    )
    rows = json.loads(shown.output)
    assert rows[0]["values"]["warning_density"] == 2.5
    assert "warning_density" in rows[0]["overridden"]
    bad = runner.invoke(
        app,
        ["thresholds", "set", "alley-01", "lane-north", "warning_density", "9", "--config", str(f)],
    )
    assert bad.exit_code == 2 and "warning_density < critical_density" in bad.output


def test_zones_preview_draws_on_a_real_frame(tmp_path, shared_data):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        json.dumps(
            {
                "box": {"site_id": "s", "box_id": "b"},
                "cameras": [
                    {
                        "id": "room",
                        "url": str(shared_data / "video/one-by-one-person.mp4"),
                        "zones": [
                            {
                                "id": "floor",
                                "kind": "square",
                                "grid_cell": "330421101001001",
                                "polygon": [[150, 430], [650, 430], [560, 200], [250, 200]],
                                "calibration": {
                                    "image_points": [
                                        [150, 430],
                                        [650, 430],
                                        [560, 200],
                                        [250, 200],
                                    ],
                                    "ground_points_m": [[0, 0], [5, 0], [5, 8], [0, 8]],
                                },
                            }
                        ],
                    }
                ],
            }
        )
    )
    out = tmp_path / "p.png"
    res = runner.invoke(
        app,
        [
            "zones",
            "preview",
            "--config",
            str(cfg),
            "--camera",
            "room",
            "--out",
            str(out),
            "--at",
            "20",
        ],
    )
    assert res.exit_code == 0, res.output
    img = cv2.imread(str(out))
    assert img.shape == (432, 768, 3)
    raw = cv2.imread(str(out))  # the zone outline is drawn in green on the floor
    b, g, r = raw[430, 400]
    assert g > 150 and r < 150, (b, g, r)


def test_bench_verdict_arithmetic():
    key, naive = ModeCost("k", video_s=100.0), ModeCost("n", video_s=100.0)
    key.stage_s.update(decode=1.0, inference=1.5, preprocess=0.5)  # 0.03 core-s per video s
    naive.stage_s.update(decode=4.0, inference=3.0, preprocess=1.0)  # 0.08
    assert verdict(key, naive, cores=2) == {
        "cameras_realtime": 66,
        "baseline_cameras_realtime": 25,
        "ratio": 2.64,
        "bound_cameras": 80,
    }


def test_run_with_an_unreadable_construction_reference_is_a_clean_error(tmp_path, shared_data):
    ref = tmp_path / "baselines" / "yard" / "site" / "day.json"
    ref.parent.mkdir(parents=True)
    ref.write_text("{not json")
    cfg = {
        "box": {"site_id": "xitang", "box_id": "box-07"},
        "mqtt": {"url": "mqtt://127.0.0.1:1", "outbox": {"path": str(tmp_path / "o.sqlite")}},
        "evidence": {"dir": str(tmp_path / "evidence")},
        "baseline_dir": str(tmp_path / "baselines"),
        "cameras": [
            {
                "id": "yard",
                "url": str(shared_data / "video/car-park.mp4"),
                "zones": [
                    {
                        "id": "site",
                        "kind": "construction_watch",
                        "grid_cell": "unassigned",
                        "polygon": [[0, 0], [100, 0], [100, 100], [0, 100]],
                    }
                ],
            }
        ],
    }
    f = tmp_path / "box.yaml"
    f.write_text(json.dumps(cfg))
    res = runner.invoke(app, ["run", "--config", str(f), "--max-seconds", "5"])
    assert res.exit_code == 2, res.output
    assert str(ref) in res.output and "cannot read reference" in res.output


def test_run_unknown_log_level_is_a_usage_error(tmp_path):
    res = runner.invoke(app, ["run", "-c", str(tmp_path / "box.yaml"), "--log-level", "loud"])
    assert res.exit_code == 2, res.output
    assert "loud" in res.output and "warning" in res.output


def test_run_in_process_ends_with_its_files_and_gives_the_signal_handlers_back(
    tmp_path, shared_data
):
    from tests.fixtures.mosquitto import free_port

    cfg = {
        "box": {"site_id": "xitang", "box_id": "box-07"},
        "mqtt": {
            "url": f"mqtt://127.0.0.1:{free_port()}",  # no broker: incidents stay in the outbox
            "outbox": {"path": str(tmp_path / "o.sqlite")},
        },
        "evidence": {"dir": str(tmp_path / "evidence")},
        "cameras": [{"id": "park", "url": str(shared_data / "video/car-park.mp4")}],
    }
    f = tmp_path / "box.yaml"
    f.write_text(json.dumps(cfg))
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    res = runner.invoke(app, ["run", "--config", str(f), "--max-seconds", "60"])
    assert res.exit_code == 0, res.output
    assert "frames analysed on 1 camera(s)" in res.output
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_mixed_day_weighs_the_hours_and_rtsp_figures_come_from_their_file(tmp_path):
    from edge_agent.bench import mixed_day, rtsp_figures

    busy, quiet = ModeCost("b", video_s=10.0), ModeCost("q", video_s=10.0)
    busy.stage_s.update(decode=0.1, inference=0.2, postprocess=0.1)  # 0.04 core-s per video s
    quiet.stage_s.update(decode=0.1, gate=0.1)  # 0.02, bound 0.01
    total, bound = mixed_day({"busy": (busy, 6.0), "quiet": (quiet, 18.0)})
    assert (round(total, 4), round(bound, 4)) == (0.025, 0.015)
    path = tmp_path / "rtsp.json"
    assert rtsp_figures(path) == dict.fromkeys(
        ("cameras_rtsp_realtime", "mb_per_camera", "latency_p95_ms")
    )
    path.write_text('{"cameras_rtsp_realtime": 48, "mb_per_camera": 7.5, "latency_p95_ms": 900}')
    assert rtsp_figures(path) == {
        "cameras_rtsp_realtime": 48,
        "mb_per_camera": 7.5,
        "latency_p95_ms": 900,
    }
