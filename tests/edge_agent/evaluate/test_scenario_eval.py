"""``edge-agent eval scenario``: a real composed timelapse scored against its ground truth."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import parse
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.errors import ConfigError
from edge_agent.evaluate.run_scenario import run_scenario, scenario_config
from edge_agent.evaluate.scenario import load_truth, score_scenario
from edge_agent.replay import ReplayOptions, replay_video
from edge_agent.sinks import ListSink

STEP_S = 900.0
#: A 6 m2 roof appearing at step 6 of 11 in the car park, light fading, a shadow, jitter (the watch's own
#: scenario tests use the same), bursts of 3 keyframes per 15-minute step.
SHED = {
    "source": "car-park.mp4",
    "steps": 11,
    "structure": "test_2_0000_0512",
    "appear_step": 6,
    "area_m2": 6.0,
    "lighting": 0.3,
    "shadow": True,
    "jitter": 1.5,
    "seed": 1,
}
CONSTRUCTION = {"background_frames": 3, "reference_frames": 5, "reference_spacing_s": 600}
#: YOLOX masks people and vehicles out of the backgrounds, as in the watch's own tests.
MODEL = {
    "path": str(PROJECT_ROOT.parent / "shared/data/models/yolox_nano.onnx"),
    "classes": [0, 1, 2, 3, 5, 7],
    "confidence": 0.3,
}
CONFIG = {
    "box": {"site_id": "eval", "box_id": "local"},
    "model": MODEL,
    "cameras": [{"id": "x", "url": "x.mp4"}],
}


@pytest.fixture(scope="module")
def shed(tmp_path_factory):
    import importlib.util
    import sys

    path = PROJECT_ROOT / "scripts" / "make_scenario.py"
    spec = importlib.util.spec_from_file_location("make_scenario", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scenario"] = module
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("eval") / "shed.mkv"
    module.write(module.Spec(out=str(out), step_s=STEP_S, **SHED))
    return out, out.with_suffix(".json")


@pytest.fixture(scope="module")
def run(shed):
    video, truth_path = shed
    truth = load_truth(truth_path)
    base = parse(CONFIG | {"defaults": {"construction": CONSTRUCTION}})
    cfg = scenario_config(video, truth, base.defaults.construction, base)
    detector = build_detector(cfg.model, PROJECT_ROOT)
    score, frames = run_scenario(video, truth, cfg, detector)
    return truth, score, frames, cfg, detector


def test_structure_found_with_its_box_area_and_delay(run):
    truth, score, frames, *_ = run
    assert frames == SHED["steps"] * 3
    assert (score.structures, score.found, score.missed, score.false) == (1, 1, 0, 0)
    assert score.iou > 0.6 and abs(score.area_error) < 0.25
    assert 0 <= score.detect_after_s <= 2 * STEP_S + 10  # by the 3rd observation that sees it
    assert score.tamper_expected is None and score.tamper_false == 0


def test_a_box_elsewhere_is_one_missed_and_one_false(run, shed, tmp_path):
    truth, _, _, cfg, detector = run
    sink = ListSink()
    opts = ReplayOptions(analytics=None, baseline_dir=tmp_path)
    incidents = replay_video(shed[0], cfg, None, sink, detector, opts).incidents
    elsewhere = dataclasses.replace(
        truth, structure=truth.structure | {"final_bbox": [0, 0, 40, 40]}
    )
    score = score_scenario(elsewhere, incidents)
    assert (score.found, score.missed, score.false) == (0, 1, 1)
    expected_tamper = dataclasses.replace(truth, tamper={"kind": "covered", "pts": 0.0})
    score = score_scenario(expected_tamper, incidents)
    assert score.tamper_expected == "covered" and score.tamper_found == 0


def test_cli_writes_the_score(shed, tmp_path):
    video, truth = shed
    config = tmp_path / "box.yaml"
    config.write_text(yaml.safe_dump(CONFIG | {"defaults": {"construction": CONSTRUCTION}}))
    out = tmp_path / "score.json"
    args = ["eval", "scenario", str(video), "--truth", str(truth), "-c", str(config)]
    result = CliRunner().invoke(app, args + ["--json", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["found"] == 1 and doc["false"] == 0 and "detect_after_s" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not JSON"), ('{"calibration": {}}', "structure"), ("[]", "calibration")],
)
def test_bad_truth_files(tmp_path: Path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_truth(path)
