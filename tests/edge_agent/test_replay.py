"""Replay of real recordings through the whole pipeline (default SSD model, real decode)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import parse
from edge_agent.config.models import ModelConfig
from edge_agent.contract import validate_incident
from edge_agent.contract.incident import EventState, IncidentKind
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.replay import EVERY_KEYFRAME, ReplayOptions, replay_video
from edge_agent.sinks import ListSink
from tests.edge_agent.helpers import ONE_PERSON_ALARM, WHOLE_FRAME


@pytest.fixture(scope="module")
def detector():
    return build_detector(ModelConfig(), PROJECT_ROOT)


def low_threshold_config(video, **thresholds) -> dict:
    """A camera whose only zone is the whole 768×432 frame, alarming on a single person."""
    th = ONE_PERSON_ALARM | {"update_interval_s": 1e6} | thresholds
    return {
        "box": {"site_id": "xitang", "box_id": "box-01"},
        "defaults": {"thresholds": th},
        "cameras": [
            {
                "id": "room",
                "url": str(video),
                "zones": [
                    {
                        "id": "floor",
                        "kind": "square",
                        "grid_cell": "330421101001001",
                        "polygon": WHOLE_FRAME,
                    }
                ],
            }
        ],
    }


def test_people_counted_only_while_in_view(shared_data, detector):
    counts = []
    opts = ReplayOptions(
        on_frame=lambda r: counts.append(r.zones["frame"].count), cadence=EVERY_KEYFRAME
    )
    summary = replay_video(
        shared_data / "video/one-by-one-person.mp4", None, None, ListSink(), detector, opts
    )
    assert summary.frames == len(counts) > 100  # keyframe mode: ~1 frame per second of video
    assert counts[:5] == [0] * 5, "the room is empty at the start"
    assert counts[-3:] == [0] * 3, "the room is empty at the end"
    assert max(counts) >= 1, "a person walking through is counted"
    assert sum(c > 0 for c in counts) >= 10


def test_car_park_raises_no_person_incident(shared_data, detector):
    video = shared_data / "video/car-park.mp4"
    cfg = parse(low_threshold_config(video))
    sink = ListSink()
    summary = replay_video(video, cfg, "room", sink, detector, ReplayOptions(fps=2))
    assert summary.frames >= 50
    assert summary.zones["floor"].max_count == 0
    assert [i for i in sink.events if i.kind is IncidentKind.CROWD_DENSITY] == []


def test_person_incident_opens_and_clears_with_stream_times(shared_data, detector):
    video = shared_data / "video/one-by-one-person.mp4"
    cfg = parse(low_threshold_config(video))
    sink = ListSink()
    start = datetime(2015, 5, 1, 9, 0, tzinfo=UTC)
    replay_video(video, cfg, "room", sink, detector, ReplayOptions(epoch=start))
    crowd = [i for i in sink.events if i.kind is IncidentKind.CROWD_DENSITY]
    assert crowd and crowd[0].state is EventState.OPENED
    assert crowd[-1].state is EventState.CLEARED, "the room empties at the end"
    for inc in crowd:
        validate_incident(inc.to_payload())
        assert inc.observed_at == start + timedelta(seconds=inc.stream_pts)  # stream time
        assert start <= inc.started_at <= inc.observed_at
        assert inc.grid_cell == "330421101001001" and (inc.site, inc.box) == ("xitang", "box-01")
    # one incident id per episode, seq counting its events
    by_id: dict[str, list[int]] = {}
    for inc in crowd:
        by_id.setdefault(inc.id, []).append(inc.seq)
    assert all(seqs == list(range(len(seqs))) for seqs in by_id.values())


def test_replay_cli_jsonl_lines(shared_data, tmp_path):
    out = tmp_path / "r.jsonl"
    cfg_file = tmp_path / "box.yaml"
    video = shared_data / "video/one-by-one-person.mp4"
    cfg_file.write_text(json.dumps(low_threshold_config(video)))
    res = CliRunner().invoke(
        app,
        [
            "replay",
            str(video),
            "--config",
            str(cfg_file),
            "--camera",
            "room",
            "--jsonl",
            str(out),
            "--evidence-dir",
            str(tmp_path / "ev"),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    frames = [x for x in lines if x["kind"] == "frame"]
    incidents = [x["incident"] for x in lines if x["kind"] == "incident"]
    assert frames[0] == {
        "kind": "frame",
        "camera": "room",
        "pts": 0.0,
        "zones": {"floor": {"count": 0, "density": None, "level": "normal"}},
    }
    assert incidents and all(validate_incident(i) is None for i in incidents)
    opened = [i for i in incidents if i["state"] == "opened"]
    assert opened[0]["evidence"][0]["role"] == "annotated"
    assert (tmp_path / "ev" / opened[0]["evidence"][0]["name"]).stat().st_size <= 200_000
    assert "frames analysed" in res.output and "floor" in res.output


def test_replay_cli_missing_video_is_a_clean_error(tmp_path):
    res = CliRunner().invoke(app, ["replay", str(tmp_path / "nope.mp4")])
    assert res.exit_code == 2
    assert "nope.mp4" in res.output and "Traceback" not in res.output


def test_replay_cli_reports_a_new_structure_in_a_timelapse(tmp_path, repo_root):
    """A timelapse from the scenario harness: a LEVIR roof appears at step 11 of 16 (minutes
    apart); the whole-frame construction watch reports it in JSONL with its box and area."""
    import subprocess
    import sys

    video = tmp_path / "shed.mkv"
    subprocess.run(
        [
            sys.executable,
            str(repo_root / "scripts/make_scenario.py"),
            "--out",
            str(video),
            "--structure",
            "test_2_0000_0512",
            "--steps",
            "16",
            "--appear-step",
            "11",
            "--burst",
            "5",
            "--jitter",
            "1",
            "--lighting",
            "0.2",
        ],
        check=True,
        capture_output=True,
    )
    truth = json.loads(video.with_suffix(".json").read_text())
    out = tmp_path / "r.jsonl"
    res = CliRunner().invoke(app, ["replay", str(video), "--jsonl", str(out)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    found = [
        x["incident"]
        for x in lines
        if x["kind"] == "incident" and x["incident"]["kind"] == "construction_change"
    ]
    assert found and found[0]["state"] == "opened"
    x1, y1, x2, y2 = found[0]["metrics"]["bbox"]
    gx1, gy1, gx2, gy2 = truth["structure"]["final_bbox"]
    assert x1 < gx2 and gx1 < x2 and y1 < gy2 and gy1 < y2, "the box is on the structure"
    assert found[0]["metrics"]["area_px"] > 0
    assert found[0]["stream_pts"] >= truth["structure"]["appear_pts"]


@pytest.mark.parametrize("with_config", [True, False])
def test_replay_cli_unknown_camera_is_a_clean_error(tmp_path, shared_data, with_config):
    cfg = tmp_path / "box.yaml"
    cfg.write_text("box: {site_id: s, box_id: b}\ncameras:\n  - {id: c1, url: x.mp4}\n")
    video = str(shared_data / "video/car-park.mp4")
    args = ["replay", video, "--camera", "nosuch"] + (["--config", str(cfg)] if with_config else [])
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "nosuch" in res.output and "no such camera" in res.output


@pytest.mark.parametrize("command", [["replay", "clip.mp4"], ["bench"]])
def test_unknown_model_kind_is_a_usage_error(command):
    res = CliRunner().invoke(app, [*command, "--model-kind", "resnet"])
    assert res.exit_code == 2, res.output
    assert "resnet" in res.output and "yolox" in res.output


def test_an_unwritable_evidence_dir_loses_the_pictures_not_the_incidents(
    shared_data, detector, tmp_path
):
    video = shared_data / "video/one-by-one-person.mp4"
    cfg = parse(low_threshold_config(video))
    blocked = tmp_path / "evidence"
    blocked.write_text("a file where the evidence directory should be")
    reference, without = ListSink(), ListSink()
    replay_video(video, cfg, "room", reference, detector, ReplayOptions(fps=0.5))
    opts = ReplayOptions(fps=0.5, evidence_dir=blocked)
    replay_video(video, cfg, "room", without, detector, opts)
    assert without.events
    assert [(i.state, i.level) for i in without.events] == [
        (i.state, i.level) for i in reference.events
    ]
    assert all(i.evidence == () for i in without.events)
