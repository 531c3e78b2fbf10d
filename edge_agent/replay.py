"""Analyse a recording as fast as possible, with the video's timestamps as the clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from edge_agent.analytics.construction_watch import ANALYTIC as CONSTRUCTION_WATCH
from edge_agent.analytics.crowd_density import ANALYTIC as CROWD_DENSITY
from edge_agent.config.cadence import CadenceSettings
from edge_agent.config.models import (
    AgentConfig,
    BoxConfig,
    CameraConfig,
    DecodeMode,
    ModelConfig,
    ZoneConfig,
    ZoneKind,
)
from edge_agent.contract.incident import Incident
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import StreamClock
from edge_agent.ingest.source import open_source
from edge_agent.pipeline import CameraPipeline, Detector, FrameResult, Services
from edge_agent.sinks import IncidentSink

__all__ = [
    "EVERY_KEYFRAME",
    "ReplayOptions",
    "ReplaySummary",
    "ZoneSummary",
    "replay_video",
    "whole_frame_config",
]

#: The cadence of the pipeline before adaptive analysis: the detector on every keyframe.
EVERY_KEYFRAME = CadenceSettings(adaptive=False, gate=False)

WHOLE_FRAME_ZONE = "frame"


@dataclass
class ZoneSummary:
    frames: int = 0
    max_count: int = 0
    total_count: int = 0

    @property
    def mean_count(self) -> float:
        return self.total_count / self.frames if self.frames else 0.0


@dataclass
class ReplaySummary:
    camera: str
    frames: int = 0
    first_pts: float | None = None
    last_pts: float | None = None
    zones: dict[str, ZoneSummary] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)
    stage_s: dict[str, float] = field(default_factory=dict)
    slicing: str = ""  # what the camera's slicing setting chose, and why (auto)
    notes: list[str] = field(default_factory=list)  # e.g. why a watch formed no observation
    undecoded: int = 0  # keyframes of a quiet camera not decoded at all (not in ``frames``)

    def add(self, result: FrameResult) -> None:
        self.frames += 1
        if self.first_pts is None:
            self.first_pts = result.pts
        self.last_pts = result.pts
        for zid, m in result.zones.items():
            z = self.zones.setdefault(zid, ZoneSummary())
            z.frames += 1
            z.max_count = max(z.max_count, m.count)
            z.total_count += m.count
        self.incidents.extend(result.incidents)
        for stage, s in result.timings.items():
            self.stage_s[stage] = self.stage_s.get(stage, 0.0) + s


def _camera_id_for(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]", "-", path.stem).strip("-.") or "replay"
    return stem[:64]


def whole_frame_config(
    video: Path, width: int, height: int, model: ModelConfig | None = None
) -> AgentConfig:
    """No config given: the whole frame is one zone ``frame`` with count thresholds."""
    polygon = [(0.0, 0.0), (float(width), 0.0), (float(width), float(height)), (0.0, float(height))]
    zones = [
        ZoneConfig(
            id=WHOLE_FRAME_ZONE, kind=ZoneKind.SQUARE, polygon=polygon, grid_cell="unassigned"
        )
    ]
    camera = CameraConfig(id=_camera_id_for(video), url=str(video), zones=zones)
    return AgentConfig(
        box=BoxConfig(site_id="replay", box_id="local"),
        model=model or ModelConfig(),
        cameras=[camera],
    )


@dataclass
class ReplayOptions:
    fps: float | None = None  # decode all frames, analyse this many per second of video
    epoch: datetime | None = None  # wall label of pts 0; default from the file's metadata
    evidence_dir: Path | None = None
    on_frame: Callable[[FrameResult], None] | None = None
    #: Names of the analytics that run (``None``: all the zones ask for). The default leaves out
    #: the construction watch and camera health, which keep references on disk; the CLI runs all,
    #: and without a config adds a construction watch over the whole frame.
    analytics: frozenset[str] | None = frozenset({CROWD_DENSITY.name})
    baseline_dir: Path | None = None  # references of views; default: the config's
    #: The camera's analysis cadence instead of its config's (e.g. every keyframe, to compare).
    cadence: CadenceSettings | None = None


def replay_video(
    video: str | Path,
    cfg: AgentConfig | None,
    camera_id: str | None,
    sink: IncidentSink,
    detector: Detector,
    options: ReplayOptions | None = None,
) -> ReplaySummary:
    """Run one recording through the camera pipeline and return what it found.

    With ``cfg`` the camera's zones and decode mode apply (``camera_id`` picks the camera, the
    first one by default); without, the whole frame is one zone.
    """
    opts = options or ReplayOptions()
    video = Path(video)
    camera = None if cfg is None else (cfg.camera(camera_id) if camera_id else cfg.cameras[0])
    probe = camera or CameraConfig(id=_camera_id_for(video), url=str(video))
    overrides: dict[str, Any] = {"url": str(video)}
    if opts.fps is not None:
        overrides |= {"mode": DecodeMode.FPS, "fps": opts.fps}
    if opts.epoch is not None:
        overrides["epoch"] = opts.epoch
    source = open_source(probe, **overrides)
    summary = ReplaySummary(camera=probe.id)
    pipeline: CameraPipeline | None = None
    with source:
        for frame in source.frames():
            if pipeline is None:
                whole_frame = cfg is None
                cfg, camera = _settle_config(cfg, camera, video, frame)
                pipeline = _pipeline(cfg, camera, detector, sink, source.epoch, opts)
                if whole_frame and _runs(CONSTRUCTION_WATCH.name, opts):
                    watch = CONSTRUCTION_WATCH.build(pipeline.setup, ())
                    pipeline.add_runner(CONSTRUCTION_WATCH, WHOLE_FRAME_ZONE, watch)
            result = pipeline.process(frame)
            source.next_look_pts = pipeline.next_look_pts(result.pts)  # as a live camera's reader
            summary.add(result)
            if opts.on_frame is not None:
                opts.on_frame(result)
        if pipeline is not None:
            summary.incidents.extend(pipeline.finish())
            summary.slicing = pipeline.slicing.choice.describe()
            summary.notes = _notes(pipeline)
        summary.undecoded = source.stats.undecoded
        for stage in ("demux_s", "decode_s", "convert_s"):
            summary.stage_s[stage.removesuffix("_s")] = getattr(source.stats, stage)
    return summary


def _notes(pipeline: CameraPipeline) -> list[str]:
    """What runners say about the run (a construction watch that formed no observation, why)."""
    runners = pipeline.runners(CONSTRUCTION_WATCH.name)
    return [
        f"{CONSTRUCTION_WATCH.name} {key}: {note}"
        for key, runner in runners.items()
        for note in getattr(runner, "notes", list)()
    ]


def _settle_config(
    cfg: AgentConfig | None, camera: CameraConfig | None, video: Path, first: Frame
) -> tuple[AgentConfig, CameraConfig]:
    if cfg is None or camera is None:
        cfg = whole_frame_config(video, first.width, first.height, cfg.model if cfg else None)
        camera = cfg.cameras[0]
    return cfg, camera


def _pipeline(
    cfg: AgentConfig,
    camera: CameraConfig,
    detector: Detector,
    sink: IncidentSink,
    epoch: datetime | None,
    opts: ReplayOptions,
) -> CameraPipeline:
    assert epoch is not None, "a file source knows its epoch once opened"
    evidence = None
    if opts.evidence_dir is not None:
        evidence = EvidenceStore(
            opts.evidence_dir, cfg.evidence.max_bytes, cfg.evidence.jpeg_quality
        )
    services = Services(evidence, opts.baseline_dir, opts.analytics)
    pipeline = CameraPipeline(
        cfg, camera, detector, sink, StreamClock.fixed(camera.id, epoch), services
    )
    if opts.cadence is not None:
        pipeline.cadence.settings = opts.cadence
    return pipeline


def _runs(name: str, opts: ReplayOptions) -> bool:
    return opts.analytics is None or name in opts.analytics
