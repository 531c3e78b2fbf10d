"""Replay a scenario video through the construction watch, its view calibrated from the truth."""

from __future__ import annotations

import tempfile
from pathlib import Path

from edge_agent.config.models import (
    AgentConfig,
    BoxConfig,
    CameraConfig,
    ConstructionSettings,
    Defaults,
    ZoneConfig,
)
from edge_agent.detect.detector import Detector
from edge_agent.evaluate.media import video_size
from edge_agent.evaluate.scenario import ScenarioScore, Truth, score_scenario
from edge_agent.replay import ReplayOptions, replay_video
from edge_agent.sinks import ListSink

__all__ = ["scenario_config", "run_scenario"]

ZONE = "scene"


def scenario_config(
    video: Path, truth: Truth, settings: ConstructionSettings, base: AgentConfig | None = None
) -> AgentConfig:
    """One camera, one construction-watch zone over the whole view with the truth's calibration."""
    w, h = video_size(video)
    polygon = [(0.0, 0.0), (w - 1.0, 0.0), (w - 1.0, h - 1.0), (0.0, h - 1.0)]
    zone = ZoneConfig(
        id=ZONE,
        kind="construction_watch",
        polygon=polygon,
        grid_cell="unassigned",
        calibration=truth.calibration,
    )
    camera = CameraConfig(id="scenario", url=str(video), slicing="off", zones=[zone])
    update = {"cameras": [camera], "defaults": Defaults(construction=settings)}
    if base is not None:
        return base.model_copy(update=update)
    return AgentConfig(box=BoxConfig(site_id="eval", box_id="local"), **update)


def run_scenario(
    video: Path, truth: Truth, cfg: AgentConfig, detector: Detector
) -> tuple[ScenarioScore, int]:
    """Score of the run and the frames it analysed (references live in a temp folder)."""
    sink = ListSink()
    with tempfile.TemporaryDirectory(prefix="gridwatch-eval-") as refs:
        opts = ReplayOptions(analytics=None, baseline_dir=Path(refs))  # all the zone asks for
        summary = replay_video(video, cfg, None, sink, detector, opts)
    return score_scenario(truth, summary.incidents), summary.frames
