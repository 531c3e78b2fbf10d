"""``edge-agent models …``: inspect ONNX models and export a user's own YOLO weights."""

from __future__ import annotations

import itertools
import shutil
import statistics
from pathlib import Path
from typing import Annotated

import av
import numpy as np
import typer
from rich.table import Table

from edge_agent.cli import models_store_cmd
from edge_agent.cli.common import console, err_console, library_errors
from edge_agent.config.models import ModelConfig, ModelKind, SlicingConfig
from edge_agent.detect import build_detector
from edge_agent.detect.adapters import fitting_kinds
from edge_agent.detect.auto_slicing import SlicingPlan, SlicingSetting, network_side
from edge_agent.detect.batching import time_batches
from edge_agent.detect.detector import Detector
from edge_agent.detect.session import ModelSpec, open_session
from edge_agent.errors import SourceError

app = typer.Typer(
    help="Fetch, install, inspect and time detection models; export your own YOLO weights.",
    no_args_is_help=True,
)
app.command("catalogue")(models_store_cmd.catalogue)
app.command("fetch")(models_store_cmd.fetch)
app.command("install")(models_store_cmd.install)

EXPORT_HINT = (
    "ultralytics is not installed: install the optional 'export' extra, "
    "pip install 'gridwatch[export]' (better in a separate venv). Install PyTorch's CPU build "
    "first, or pip pulls a CUDA build of several GB."
)


def _table(spec: ModelSpec) -> Table:
    table = Table(title=spec.path)
    for column in ("", "name", "type", "shape"):
        table.add_column(column)
    for role, tensors in (("input", spec.inputs), ("output", spec.outputs)):
        for t in tensors:
            shape = "[" + ", ".join("?" if d is None else str(d) for d in t.shape) + "]"
            table.add_row(role, t.name, t.dtype, shape)
    return table


@app.command("info")
def info(
    model: Annotated[Path, typer.Argument(help="ONNX model file to inspect.")],
) -> None:
    """Print MODEL's inputs and outputs and which adapter kind (ssd_tf, yolo, yolox) fits it."""
    with library_errors():
        spec = open_session(model, ["CPUExecutionProvider"], 1).spec
    console.print(_table(spec))
    verdicts = fitting_kinds(spec)
    fits = [kind.value for kind, why in verdicts.items() if not why]
    if not fits:
        err_console.print(f"[red]no adapter kind fits {model}[/red]; reasons:", markup=True)
        for kind, why in verdicts.items():
            err_console.print(f"  {kind.value}: {why}", markup=False, highlight=False)
        raise typer.Exit(1)
    line = f"fits kind: {', '.join(fits)}  (config: model: {{path: {model}, kind: {fits[0]}}})"
    console.print(line, soft_wrap=True)


@app.command("export")
def export(
    weights: Annotated[Path, typer.Argument(help="ultralytics YOLOv8/11 weights (.pt) to export.")],
    imgsz: Annotated[int, typer.Option(help="Square network input size in pixels.", min=32)] = 640,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the ONNX file (default: beside WEIGHTS).")
    ] = None,
    opset: Annotated[int | None, typer.Option(help="ONNX opset (default: ultralytics').")] = None,
) -> None:
    """Export WEIGHTS to ONNX with ultralytics and check the result against the 'yolo' adapter."""
    try:
        from ultralytics import YOLO  # optional extra: imported only here
    except ImportError:
        err_console.print(EXPORT_HINT, markup=False, highlight=False)
        raise typer.Exit(2) from None
    if not weights.is_file():
        err_console.print(f"error: weights file not found: {weights}", markup=False)
        raise typer.Exit(2)
    options = {"format": "onnx", "imgsz": imgsz} | ({"opset": opset} if opset else {})
    try:
        written = Path(YOLO(str(weights)).export(**options))
    except Exception as err:  # ultralytics raises many kinds; the CLI shows one clean line
        err_console.print(f"error: ultralytics could not export {weights}: {err}", markup=False)
        raise typer.Exit(2) from None
    if out is not None and out.resolve() != written.resolve():
        out.parent.mkdir(parents=True, exist_ok=True)
        written = Path(shutil.move(str(written), str(out)))
    with library_errors():
        spec = open_session(written, ["CPUExecutionProvider"], 1).spec
    why = fitting_kinds(spec)[ModelKind.YOLO]
    if why:
        err_console.print(f"error: the export does not fit kind 'yolo': {why}", markup=False)
        raise typer.Exit(1)
    console.print(_table(spec))
    line = f"wrote {written}; in the config: model: {{path: {written}, kind: yolo}}"
    console.print(line, soft_wrap=True)


def _sample_frames(video: Path | None, count: int) -> list[np.ndarray]:
    """Up to ``count`` keyframes of ``video``, or one mid-grey 1280x720 frame without a video."""
    if video is None:
        return [np.full((720, 1280, 3), 128, np.uint8)]
    try:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            stream.codec_context.skip_frame = "NONKEY"
            frames = itertools.islice(container.decode(stream), count)
            return [f.to_ndarray(format="bgr24") for f in frames]
    except (av.FFmpegError, IndexError) as err:
        raise SourceError(f"{video}: cannot read video frames: {err}") from err


@app.command("time")
def time_model(
    model: Annotated[Path, typer.Argument(help="ONNX model file to time.")],
    kind: Annotated[
        ModelKind, typer.Option(help="Adapter kind of the model (auto: read off the graph).")
    ] = ModelKind.AUTO,
    video: Annotated[
        Path | None, typer.Option(help="Video whose keyframes are used (default: a grey frame).")
    ] = None,
    runs: Annotated[int, typer.Option(help="Detections timed.", min=1, max=10_000)] = 50,
    threads: Annotated[int, typer.Option(help="onnxruntime intra-op threads.", min=1)] = 2,
    tile: Annotated[
        int | None, typer.Option(help="Also slice into tiles of this side (20% overlap).")
    ] = None,
    auto_slicing: Annotated[
        bool, typer.Option(help="Let 'slicing: auto' decide on the video's frames (1 s apart).")
    ] = False,
    batch: Annotated[
        str | None,
        typer.Option(
            help="Batch sizes to compare, e.g. 1,2,4,8: frames per run and per second for each "
            "(the agent's batch.max_size)."
        ),
    ] = None,
) -> None:
    """Median milliseconds per frame of MODEL, per stage, on this machine (not a test)."""
    cfg = ModelConfig(path=str(model), kind=kind, threads=threads)
    setting: SlicingSetting = SlicingConfig(tile=tile) if tile else "off"
    sizes = _batch_sizes(batch)
    with library_errors():
        detector = build_detector(cfg, Path.cwd())
        frames = _sample_frames(video, runs)
    if sizes:
        print_batch_timings(detector, frames[len(frames) // 2], sizes, runs)
        return
    plan = SlicingPlan("auto" if auto_slicing else setting, network_side(detector), model.stem)
    detector.detect(frames[0], None)  # warm-up: first run allocates
    stages: dict[str, list[float]] = {}
    for i in range(runs):
        _, timings = plan.detect(detector, frames[i % len(frames)], float(i))
        for stage, seconds in timings.items():
            stages.setdefault(stage, []).append(seconds * 1000)
    medians = {stage: statistics.median(ms) for stage, ms in stages.items()}
    total = statistics.median(map(sum, zip(*stages.values(), strict=True)))
    parts = ", ".join(f"{stage} {ms:.1f}" for stage, ms in medians.items())
    chose = f"; slicing {plan.choice.describe()}" if auto_slicing else ""
    console.print(
        f"{model} ({detector.adapter.kind}, {threads} threads, {runs} runs, {len(frames)} "
        f"distinct frames{f', tiles {tile}' if tile else ''}): {total:.1f} ms/frame ({parts})"
        f"{chose}",
        soft_wrap=True,
    )


def _batch_sizes(text: str | None) -> list[int]:
    if text is None:
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise typer.BadParameter(
            f"comma-separated sizes >= 1 expected; got {text!r}", param_hint="--batch"
        )
    return sizes


def print_batch_timings(detector: Detector, frame: np.ndarray, sizes: list[int], runs: int) -> None:
    """A table of each batch size's cost and throughput; the best is the one to configure."""
    timings = time_batches(detector, frame, sizes, max(1, runs // max(sizes)))
    table = Table(
        title=f"{detector.session.spec.path}: batches (batchable: {detector.adapter.batchable})"
    )
    for column in ("batch", "ms per run", "ms per frame", "frames/s"):
        table.add_column(column, justify="right")
    for t in timings:
        table.add_row(
            str(t.batch), f"{t.ms_per_run:.1f}", f"{t.ms_per_frame:.1f}", f"{t.frames_per_s:.1f}"
        )
    console.print(table)
    best = max(timings, key=lambda t: t.frames_per_s)
    console.print(f"best: batch.max_size {best.batch} ({best.frames_per_s:.1f} frames/s)")
