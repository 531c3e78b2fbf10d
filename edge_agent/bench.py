"""Per-stage cost of the camera pipeline, keyframe mode against the naive pipeline.

Both run on the same clip and model, single-threaded (one decoder thread, one inference thread),
so a stage's wall time is its CPU time and a box with C cores runs about C / cost cameras.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge_agent.config.cadence import CadenceSettings
from edge_agent.config.models import DecodeMode, ModelConfig
from edge_agent.contract.incident import Incident
from edge_agent.incidents.origin import StreamClock
from edge_agent.ingest import open_source
from edge_agent.pipeline import CameraPipeline, Detector
from edge_agent.publish.outbox import Outbox
from edge_agent.replay import EVERY_KEYFRAME, whole_frame_config

__all__ = ["STAGES", "ModeCost", "measure", "verdict"]

STAGES = (
    "demux",
    "decode",
    "convert",
    "gate",
    "preprocess",
    "inference",
    "postprocess",
    "publish",
)


@dataclass
class ModeCost:
    name: str
    video_s: float = 0.0
    decoded: int = 0
    analysed: int = 0
    wall_s: float = 0.0
    stage_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    def per_frame_ms(self, stage: str) -> float:
        return 1000 * self.stage_s[stage] / max(self.analysed, 1)

    @property
    def cost_per_video_s(self) -> float:
        """Seconds of one core per second of video, all stages."""
        return sum(self.stage_s.values()) / self.video_s

    @property
    def bound_per_video_s(self) -> float:
        """Decode + inference only: the floor under any pipeline of this design."""
        s = self.stage_s
        return (s["demux"] + s["decode"] + s["inference"]) / self.video_s


class _OutboxSink:
    """Publishing as the agent does it: the incident is written durably to the outbox."""

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    def emit(self, incident: Incident) -> None:
        data = json.dumps(incident.to_payload()).encode()
        self.outbox.put(f"gridwatch/v1/bench/box/{incident.camera}/incident", data)


def measure(
    video: Path,
    detector: Detector,
    name: str,
    fps: float | None,
    cadence: CadenceSettings | None = EVERY_KEYFRAME,
) -> ModeCost:
    """Replay ``video``: keyframes only (``fps=None``) or every frame decoded, ``fps`` analysed;
    the detector on every one (``cadence`` EVERY_KEYFRAME) or as ``cadence`` decides (``None``:
    the defaults, adaptive)."""
    probe = open_source(whole_frame_config(video, 16, 16).cameras[0], threads=1)
    with probe:
        first = next(probe.frames())
    cfg = whole_frame_config(video, first.width, first.height)
    camera = cfg.cameras[0]
    overrides: dict[str, Any] = {"threads": 1}
    if fps is not None:
        overrides |= {"mode": DecodeMode.FPS, "fps": fps}
    cost = ModeCost(name)
    with tempfile.TemporaryDirectory() as tmp:
        sink = _OutboxSink(Outbox(Path(tmp) / "outbox.sqlite", max_bytes=64 << 20))
        source = open_source(camera, **overrides)
        started = time.perf_counter()
        with source:
            pipeline = None
            for frame in source.frames():
                if pipeline is None:
                    clock = StreamClock(camera.id, lambda: source.epoch)
                    pipeline = CameraPipeline(cfg, camera, detector, sink, clock)
                    if cadence is not None:
                        pipeline.cadence.settings = cadence
                result = pipeline.process(frame)
                source.next_look_pts = pipeline.next_look_pts(result.pts)  # as the agent does
                cost.analysed += 1
                cost.video_s = result.pts
                for stage, s in result.timings.items():
                    cost.stage_s[stage] += s
            cost.wall_s = time.perf_counter() - started
            stats = source.stats
            cost.stage_s["demux"] = stats.demux_s
            cost.stage_s["decode"] = stats.decode_s
            cost.stage_s["convert"] = stats.convert_s
            cost.decoded = stats.decoded
        sink.outbox.close()
    step = 1.0 / fps if fps else 1.0
    cost.video_s = max(cost.video_s + step, step)
    return cost


def verdict(keyframes: ModeCost, naive: ModeCost, cores: int | None = None) -> dict[str, float]:
    """The benchmark's last line: cameras sustained in real time by each pipeline on this box."""
    cores = cores or os.cpu_count() or 1
    n = int(cores / keyframes.cost_per_video_s)
    m = int(cores / naive.cost_per_video_s)
    return {
        "cameras_realtime": n,
        "baseline_cameras_realtime": m,
        "ratio": round(n / m, 2) if m else float("inf"),
        "bound_cameras": int(cores / keyframes.bound_per_video_s),
    }


def cameras(cost_per_video_s: float, cores: int | None = None) -> int:
    """Cameras of that cost one box sustains in real time."""
    return int((cores or os.cpu_count() or 1) / cost_per_video_s)


def mixed_day(costs: dict[str, tuple[ModeCost, float]]) -> tuple[float, float]:
    """Core-seconds per video second over a day composed of clips: ``{clip: (cost, hours)}``.
    Returns (all stages, decode + inference only)."""
    hours = sum(h for _, h in costs.values())
    total = sum(c.cost_per_video_s * h for c, h in costs.values()) / hours
    bound = sum(c.bound_per_video_s * h for c, h in costs.values()) / hours
    return total, bound


def rtsp_figures(path: Path) -> dict[str, Any]:
    """The RTSP load test's figures (``scripts/bench_rtsp.py`` writes them; the agent may not
    import the collector that runs it). Missing file: the keys with ``None``."""
    keys = ("cameras_rtsp_realtime", "mb_per_camera", "latency_p95_ms")
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return dict.fromkeys(keys)
    return {k: data.get(k) for k in keys}


def single_thread_model(cfg: ModelConfig) -> ModelConfig:
    return cfg.model_copy(update={"threads": 1})


def measure_concurrent(video: Path, detector: Detector, cameras: int, threads: int) -> float:
    """Cameras sustained in real time, measured: ``cameras`` copies of the clip through the whole
    agent (one decoder thread each, ``threads`` analysis threads, one shared model session), as
    fast as they go, nothing dropped. Returns video-seconds analysed per wall second."""
    from edge_agent.agent import EdgeAgent
    from edge_agent.config import parse
    from edge_agent.ingest import WorkerOptions
    from edge_agent.sinks import ListSink

    probe = whole_frame_config(video, 16, 16).cameras[0]
    with open_source(probe) as source:
        for frame in source.frames():
            size, last_pts = (frame.width, frame.height), frame.pts
    w, h = size
    with tempfile.TemporaryDirectory() as tmp:
        cfg = parse(
            {
                "box": {"site_id": "bench", "box_id": "local"},
                "analysis_threads": threads,
                "evidence": {"dir": f"{tmp}/evidence"},
                "baseline_dir": f"{tmp}/baselines",
                "cameras": [
                    {
                        "id": f"cam{i}",
                        "url": str(video),
                        "zones": [
                            {
                                "id": "frame",
                                "kind": "square",
                                "grid_cell": "unassigned",
                                "polygon": [[0, 0], [w, 0], [w, h], [0, h]],
                            }
                        ],
                    }
                    for i in range(cameras)
                ],
            }
        )
        agent = EdgeAgent(
            cfg, detector, ListSink(), worker_options=WorkerOptions(queue_size=100_000)
        )
        started = time.perf_counter()
        agent.run()
        wall = time.perf_counter() - started
    return cameras * (last_pts + 1.0) / wall
