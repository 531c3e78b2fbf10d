"""``edge-agent replay --sweep``: detect a recording once, then score every threshold setting."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from edge_agent.config.models import AgentConfig, CameraConfig
from edge_agent.detect.detector import Detector
from edge_agent.evaluate.cache import (
    DetectedFrame,
    cache_key,
    load_frames,
    save_frames,
)
from edge_agent.evaluate.expected import ExpectedIncident
from edge_agent.evaluate.media import video_size
from edge_agent.evaluate.sweep import SweepRow, score_setting, settings_grid
from edge_agent.pipeline import FrameResult
from edge_agent.replay import ReplayOptions, replay_video, whole_frame_config
from edge_agent.sinks import ListSink

__all__ = ["SweepResult", "detect_frames", "run_sweep"]


@dataclass
class SweepResult:
    rows: list[SweepRow]
    frames: int
    detect_s: float  # seconds spent detecting (0 when read from the cache)
    score_s: float  # seconds spent re-scoring every setting
    cache: Path | None
    cached: bool


def settled(video: Path, cfg: AgentConfig | None, camera_id: str | None, detector: Detector):
    """The config and camera a replay of ``video`` uses (whole frame without a config)."""
    if cfg is None:
        cfg = whole_frame_config(video, *video_size(video), detector.config)
        return cfg, cfg.cameras[0]
    return cfg, cfg.camera(camera_id) if camera_id else cfg.cameras[0]


def detect_frames(
    video: Path,
    cfg: AgentConfig,
    camera: CameraConfig,
    detector: Detector,
    fps: float | None,
    cache_dir: Path | None,
) -> tuple[list[DetectedFrame], float, Path | None, bool]:
    """People per analysed frame; read from ``cache_dir`` when this exact run was done before."""
    settings: dict[str, object] = {
        "model": detector.config.model_dump(mode="json"),
        "slicing": camera.slicing
        if isinstance(camera.slicing, str | None)
        else camera.slicing.model_dump(),
        "decode": [camera.decode.value, camera.fps, fps],
    }
    path = None
    if cache_dir is not None:
        model_file = Path(detector.session.spec.path)
        path = cache_dir / f"{cache_key(video, model_file, settings)}.npz"
        if path.is_file():
            return load_frames(path), 0.0, path, True
    frames: list[DetectedFrame] = []

    def keep(result: FrameResult) -> None:
        frames.append(DetectedFrame(result.pts, result.people))

    t0 = time.perf_counter()
    only = cfg.model_copy(update={"cameras": [camera]})
    replay_video(
        video, only, camera.id, ListSink(), detector, ReplayOptions(fps=fps, on_frame=keep)
    )
    seconds = time.perf_counter() - t0
    if path is not None:
        save_frames(path, frames)
    return frames, seconds, path, False


def run_sweep(
    video: Path,
    cfg: AgentConfig | None,
    camera_id: str | None,
    detector: Detector,
    grid: dict[str, list[float]],
    options: tuple[float | None, Path | None, list[ExpectedIncident] | None] = (None, None, None),
) -> SweepResult:
    """Detect once (or read the cache), then one row per setting and zone.

    ``options``: (analysed fps, cache folder, expected incidents).
    """
    fps, cache_dir, expected = options
    cfg, camera = settled(video, cfg, camera_id, detector)
    frames, detect_s, path, cached = detect_frames(video, cfg, camera, detector, fps, cache_dir)
    t0 = time.perf_counter()
    rows = [
        row
        for setting in settings_grid(grid)
        for row in score_setting(cfg, camera, frames, setting, expected)
    ]
    score_s = time.perf_counter() - t0
    return SweepResult(rows, len(frames), detect_s, score_s, path, cached)
