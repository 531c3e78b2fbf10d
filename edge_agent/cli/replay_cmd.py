"""``edge-agent replay``: analyse a recording as fast as possible, the video's timestamps as clock."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from edge_agent.cli import sweep_cmd
from edge_agent.cli.common import console, err_console, library_errors
from edge_agent.config import AgentConfig, load
from edge_agent.config.load import load_for
from edge_agent.config.models import ModelConfig, ModelKind
from edge_agent.errors import ConfigError
from edge_agent.evaluate.cache import default_cache_dir
from edge_agent.pipeline import FrameResult
from edge_agent.replay import ReplayOptions, ReplaySummary, replay_video
from edge_agent.sinks import JsonlWriter, ListSink

if TYPE_CHECKING:  # the detector (onnxruntime) is imported only when a replay runs
    from edge_agent.detect.detector import Detector


def replay(
    video: Annotated[Path, typer.Argument(help="Video file (mp4, avi, …) to analyse.")],
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Agent config; default: whole frame.")
    ] = None,
    camera: Annotated[
        str | None, typer.Option(help="Camera id in the config whose zones apply.")
    ] = None,
    fps: Annotated[
        float | None,
        typer.Option(help="Decode every frame, analyse F per second; default: camera's mode."),
    ] = None,
    jsonl: Annotated[
        Path | None, typer.Option(help="Write one JSON object per analysed frame and incident.")
    ] = None,
    mqtt: Annotated[
        str | None, typer.Option(help="Also publish incidents to this broker (mqtt://host:port).")
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option(help="Wall time of the video's first frame (ISO 8601 with zone)."),
    ] = None,
    evidence_dir: Annotated[
        Path | None, typer.Option(help="Write evidence JPEGs here (default: none).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="ONNX model instead of the config's / default.")
    ] = None,
    model_kind: Annotated[
        ModelKind | None, typer.Option(help="Adapter of --model: ssd_tf, yolo or yolox.")
    ] = None,
    baseline_dir: Annotated[
        Path | None,
        typer.Option(help="Construction references; default: the config's, or a temp dir."),
    ] = None,
    sweep: Annotated[
        list[str] | None,
        typer.Option(
            help="KEY=V1,V2,…: detect once, then score every combination of crowd thresholds "
            "(repeat for more keys; one table row per setting)."
        ),
    ] = None,
    expected: Annotated[
        Path | None,
        typer.Option(help="With --sweep: CSV zone,level,start_s,end_s of expected incidents."),
    ] = None,
    sweep_json: Annotated[
        Path | None, typer.Option(help="With --sweep: also write the rows as JSON here.")
    ] = None,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            help="With --sweep: where detections are kept (default ~/.cache/gridwatch/detections)."
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option(help="With --sweep: detect again, keep nothing.")
    ] = False,
) -> None:
    """Analyse VIDEO as fast as possible and print a summary; incidents as JSONL or over MQTT."""
    with library_errors():
        cfg, detector = _prepared(config, camera, mqtt, model, model_kind)
        if sweep:
            keep = None if no_cache else (cache_dir or default_cache_dir())
            extra = (fps, keep, expected, sweep_json)
            sweep_cmd.sweep(video, cfg, camera, detector, sweep, extra)
            return
        with _outputs(jsonl, mqtt, cfg) as (sink, writer, scratch):
            opts = _options(cfg, fps, start, evidence_dir, baseline_dir, scratch)
            summary = _run(video, cfg, camera, sink, detector, opts, writer)
    _print_summary(summary)


def _prepared(
    config: Path | None,
    camera: str | None,
    mqtt: str | None,
    model: Path | None,
    kind: ModelKind | None,
) -> tuple[AgentConfig | None, Detector]:
    """The config with the model the options name, and that model's detector."""
    from edge_agent.detect.detector import build_detector

    # secrets (${VAR}) are needed only to publish: a replay without --mqtt connects nowhere
    cfg = (load(config) if mqtt else load_for(config)) if config else None
    _check_camera(config, cfg, camera)
    model_cfg = _model_config(cfg, model, kind)
    if cfg is not None:
        cfg = cfg.model_copy(update={"model": model_cfg})
    return cfg, build_detector(model_cfg, config.parent if config else Path.cwd())


@contextmanager
def _outputs(
    jsonl: Path | None, mqtt: str | None, cfg: AgentConfig | None
) -> Iterator[tuple[_Fanout, JsonlWriter | None, Path]]:
    """Where the incidents go (always a list, then the JSONL file and the broker asked for) and
    a scratch folder for this replay; all closed when it ends."""
    writer = JsonlWriter(jsonl) if jsonl else None
    sinks: list = [ListSink()] + ([writer] if writer else [])
    scratch = tempfile.TemporaryDirectory(prefix="gridwatch-replay-")
    publisher = _publisher(mqtt, cfg, Path(scratch.name)) if mqtt else None
    if publisher is not None:
        sinks.append(publisher)
    try:
        yield _Fanout(sinks), writer, Path(scratch.name)
    finally:
        if writer:
            writer.close()
        if publisher is not None:
            publisher.close()
        scratch.cleanup()


def _options(
    cfg: AgentConfig | None,
    fps: float | None,
    start: datetime | None,
    evidence_dir: Path | None,
    baseline_dir: Path | None,
    scratch: Path,
) -> ReplayOptions:
    if baseline_dir is None and cfg is None:
        # no config: references (and the outbox of --mqtt) live for this replay only
        baseline_dir = scratch / "baselines"
    return ReplayOptions(
        fps=fps,
        epoch=start,
        evidence_dir=evidence_dir,
        analytics=None,  # every analytic the zones ask for
        baseline_dir=baseline_dir,
    )


class _Fanout:
    """Every sink gets each incident, marked as a replay (the center files replays apart)."""

    def __init__(self, sinks: list) -> None:
        self.sinks = sinks

    def emit(self, incident) -> None:
        marked = dataclasses.replace(incident, replay=True)
        for s in self.sinks:
            s.emit(marked)


def _check_camera(path: Path | None, cfg: AgentConfig | None, camera: str | None) -> None:
    if camera is None:
        return
    known = [] if cfg is None else [c.id for c in cfg.cameras]
    if camera not in known:
        where = str(path) if path else "<no --config>"
        reason = f"no such camera in the config (known: {', '.join(known) or 'none'})"
        raise ConfigError(where, [("--camera", camera, reason)])


def _model_config(
    cfg: AgentConfig | None, model: Path | None, kind: ModelKind | None
) -> ModelConfig:
    base = cfg.model if cfg else ModelConfig()
    update: dict[str, object] = {}
    if model is not None:
        update["path"] = str(model.resolve())
    if kind is not None:
        update["kind"] = kind
    return ModelConfig.model_validate(base.model_dump() | update) if update else base


def _publisher(url: str, cfg: AgentConfig | None, scratch: Path):
    from edge_agent.publish import replay_publisher

    return replay_publisher(url, cfg, scratch_dir=scratch)


def _run(video, cfg, camera, sink, detector, opts: ReplayOptions, writer) -> ReplaySummary:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[pts]:>8.1f} s of video"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"replaying {video.name}", total=None, pts=0.0)

        def on_frame(result: FrameResult) -> None:
            if writer is not None:
                writer.write(result.to_jsonl())
            progress.update(task, advance=1, pts=result.pts)

        opts.on_frame = on_frame
        return replay_video(video, cfg, camera, sink, detector, opts)


def _print_summary(summary: ReplaySummary) -> None:
    span = (summary.last_pts or 0) - (summary.first_pts or 0)
    console.print(
        f"camera [bold]{summary.camera}[/bold]: {summary.frames} frames analysed over "
        f"{span:.1f} s of video, {len(summary.incidents)} incident event(s)"
        + (f"; {summary.undecoded} quiet keyframes not decoded" if summary.undecoded else "")
    )
    detect_s = sum(summary.stage_s.get(k, 0.0) for k in ("preprocess", "inference"))
    per_frame = detect_s / summary.frames * 1000 if summary.frames else 0.0
    console.print(f"slicing {summary.slicing}; detection {per_frame:.1f} ms per analysed frame")
    console.print(_zones_table(summary))
    for note in summary.notes:
        console.print(f"[yellow]{note}[/yellow]")
    if summary.incidents:
        console.print(_incidents_table(summary))


def _zones_table(summary: ReplaySummary) -> Table:
    table = Table(title="zones")
    for col in ("zone", "frames", "max count", "mean count", "incident events"):
        table.add_column(col, justify="right" if col != "zone" else "left")
    for zid, z in summary.zones.items():
        n = sum(1 for i in summary.incidents if i.zone == zid)
        table.add_row(zid, str(z.frames), str(z.max_count), f"{z.mean_count:.2f}", str(n))
    return table


def _incidents_table(summary: ReplaySummary) -> Table:
    inc = Table(title="incident events")
    for col in ("pts", "zone", "kind", "level", "state", "metrics"):
        inc.add_column(col)
    for i in summary.incidents:
        inc.add_row(
            f"{i.stream_pts or 0:.1f}",
            i.zone,
            i.kind.value,
            i.level.value,
            i.state.value,
            ", ".join(f"{k}={v}" for k, v in i.metrics.items()),
        )
    return inc
