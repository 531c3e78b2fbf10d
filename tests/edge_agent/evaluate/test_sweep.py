"""``replay --sweep`` on the real one-person clip: rows agree with a real replay, cache reused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import parse
from edge_agent.config.models import ModelConfig
from edge_agent.contract.incident import EventState, IncidentKind, Level
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.errors import ConfigError
from edge_agent.evaluate.cache import DetectedFrame, load_frames, save_frames
from edge_agent.evaluate.expected import ExpectedIncident, load_expected
from edge_agent.evaluate.sweep import parse_sweeps, score_setting, settings_grid
from edge_agent.replay import ReplayOptions, replay_video
from edge_agent.sinks import ListSink
from tests.edge_agent.helpers import ONE_PERSON_ALARM, WHOLE_FRAME

CLIP = "video/one-by-one-person.mp4"


def config(video: Path, **thresholds) -> dict:
    return {
        "box": {"site_id": "xitang", "box_id": "box-01"},
        "defaults": {"thresholds": ONE_PERSON_ALARM | thresholds},
        "cameras": [
            {
                "id": "room",
                "url": str(video),
                "zones": [
                    {"id": "floor", "kind": "square", "grid_cell": "330421101001001",
                     "polygon": WHOLE_FRAME},
                ],
            }
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def replayed(shared_data):
    """One real replay at raise_after_s=3: its frames (people, pts) and its incidents."""
    cfg = parse(config(shared_data / CLIP, raise_after_s=3))
    detector = build_detector(ModelConfig(), PROJECT_ROOT)
    frames: list[DetectedFrame] = []
    opts = ReplayOptions(on_frame=lambda r: frames.append(DetectedFrame(r.pts, r.people)))
    summary = replay_video(shared_data / CLIP, cfg, None, ListSink(), detector, opts)
    return cfg, frames, summary.incidents


def test_a_rescored_setting_raises_what_a_replay_raised(replayed):
    cfg, frames, incidents = replayed
    opened = [
        i.stream_pts
        for i in incidents
        if i.kind is IncidentKind.CROWD_DENSITY and i.state is EventState.OPENED
    ]
    assert opened, "the clip has people: the one-person alarm opens"
    (row,) = score_setting(cfg, cfg.cameras[0], frames, {"raise_after_s": 3})
    assert row.raised == len(opened)
    assert [round(e.start_s, 3) for e in row.episodes] == [round(t, 3) for t in opened]
    span = frames[-1].pts - frames[0].pts
    assert sum(row.seconds_in.values()) == pytest.approx(span)
    assert row.first_warning_s is None or row.first_warning_s >= 3


def test_longer_sustain_raises_no_more(replayed):
    cfg, frames, _ = replayed
    grid = settings_grid(parse_sweeps(["raise_after_s=0,3,10,60"]))
    raised = [score_setting(cfg, cfg.cameras[0], frames, s)[0].raised for s in grid]
    assert raised == sorted(raised, reverse=True) and raised[0] > raised[-1] == 0


def test_invalid_combination_is_a_row_not_a_crash(replayed):
    cfg, frames, _ = replayed
    (row,) = score_setting(cfg, cfg.cameras[0], frames, {"advisory_count": 5})
    assert row.error and "advisory_count < warning_count" in row.error


def test_expected_incidents_give_precision_and_recall(replayed, tmp_path):
    cfg, frames, _ = replayed
    (row,) = score_setting(cfg, cfg.cameras[0], frames, {})
    first = row.episodes[0]
    labels = tmp_path / "expected.csv"
    labels.write_text(
        "zone,level,start_s,end_s\n"
        f"floor,advisory,{first.start_s},{first.start_s + 1}\n"
        "floor,advisory,100000,100001\n"
    )
    expected = load_expected(labels)
    (row,) = score_setting(cfg, cfg.cameras[0], frames, {}, expected)
    assert row.recall == 0.5
    assert row.precision == pytest.approx(1 / len(row.episodes))


def test_cache_round_trip(replayed, tmp_path):
    _, frames, _ = replayed
    save_frames(tmp_path / "c.npz", frames)
    back = load_frames(tmp_path / "c.npz")
    assert [f.pts for f in back] == [f.pts for f in frames]
    assert [len(f.people) for f in back] == [len(f.people) for f in frames]
    assert all((a.people.xyxy == b.people.xyxy).all() for a, b in zip(frames, back, strict=True))


def test_cli_sweep_detects_once_then_reads_the_cache(shared_data, tmp_path):
    path = tmp_path / "box.yaml"
    path.write_text(json.dumps(config(shared_data / CLIP)))
    expected = tmp_path / "expected.csv"
    expected.write_text("zone,level,start_s,end_s\nfloor,advisory,0,140\n")
    args = [
        "replay", str(shared_data / CLIP), "--config", str(path),
        "--sweep", "raise_after_s=0,5", "--sweep", "clear_after_s=2,30",
        "--cache-dir", str(tmp_path / "cache"), "--sweep-json", str(tmp_path / "s.json"),
        "--expected", str(expected),
    ]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "4 settings re-scored" in first.output and "read from cache" not in first.output
    rows = json.loads((tmp_path / "s.json").read_text())["rows"]
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "read from cache" in again.output
    assert json.loads((tmp_path / "s.json").read_text())["rows"] == rows
    assert "precision" in first.output and all(r["recall"] == 1.0 for r in rows)
    assert [r["setting"] for r in rows] == [
        {"raise_after_s": 0, "clear_after_s": 2},
        {"raise_after_s": 0, "clear_after_s": 30},
        {"raise_after_s": 5, "clear_after_s": 2},
        {"raise_after_s": 5, "clear_after_s": 30},
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("raise_after=5", "KEY one of"),
        ("raise_after_s", "need KEY=V1,V2"),
        ("raise_after_s=5,x", "not a number: 'x'"),
    ],
)
def test_bad_sweep_specs(spec, message):
    with pytest.raises(ConfigError, match=message):
        parse_sweeps([spec])


def test_bad_expected_file(tmp_path):
    labels = tmp_path / "e.csv"
    labels.write_text("zone,level,start_s,end_s\nfloor,loud,1,2\n")
    with pytest.raises(ConfigError, match="line 2 level"):
        load_expected(labels)
    assert ExpectedIncident("floor", Level.ADVISORY, 1, 2).zone == "floor"
