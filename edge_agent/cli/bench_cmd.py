"""``edge-agent bench``: a benchmark, not a test — what one camera costs, and how many fit."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from edge_agent.cli.common import console, library_errors
from edge_agent.config.models import ModelKind

SHARED_CLIP = Path(__file__).resolve().parents[2].parent / "shared/data/video/one-by-one-person.mp4"


def bench(
    video: Annotated[
        Path | None,
        typer.Option(
            help="Clip to measure; default ../shared/data one-by-one-person.mp4 or the sample clip."
        ),
    ] = None,
    naive_fps: Annotated[
        float, typer.Option(help="Analysed frames/s of the naive pipeline (all frames decoded).")
    ] = 2.0,
    cores: Annotated[
        int | None, typer.Option(help="Cores to budget (default: this machine's).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="ONNX model (default: the SSD person model).")
    ] = None,
    model_kind: Annotated[
        ModelKind, typer.Option(help="Adapter of --model (auto: read off the graph).")
    ] = ModelKind.AUTO,
    concurrent: Annotated[
        int | None,
        typer.Option(
            help="Also run this many copies of the clip through the whole agent at once "
            "(default 4 per core; 0 skips) and measure the cameras sustained."
        ),
    ] = None,
) -> None:
    """Per-stage cost per analysed frame, keyframe mode against decode-all at 2 fps.

    The last line is one JSON object:
    {"cameras_realtime": N, "baseline_cameras_realtime": M, "ratio": N/M, "bound_cameras": B}.
    """
    from edge_agent.bench import STAGES, measure, measure_concurrent, single_thread_model, verdict
    from edge_agent.config.models import ModelConfig
    from edge_agent.detect.detector import PROJECT_ROOT, build_detector
    from edge_agent.sample import sample_video_path

    clip = video or (SHARED_CLIP if SHARED_CLIP.is_file() else sample_video_path())
    cfg = (
        ModelConfig() if model is None else ModelConfig(path=str(model.resolve()), kind=model_kind)
    )
    with library_errors():
        detector = build_detector(single_thread_model(cfg), PROJECT_ROOT)
        detector.detect(__import__("numpy").zeros((64, 64, 3), "uint8"))  # warm-up
        key = measure(clip, detector, "keyframes", None)
        naive = measure(clip, detector, f"all frames, {naive_fps:g} fps", naive_fps)
    table = Table(
        title=f"{clip.name}: ms per analysed frame (1 decoder thread, 1 inference thread)"
    )
    table.add_column("stage")
    for mode in (key, naive):
        table.add_column(mode.name, justify="right")
    for stage in STAGES:
        table.add_row(stage, f"{key.per_frame_ms(stage):.2f}", f"{naive.per_frame_ms(stage):.2f}")
    table.add_row(
        "frames decoded / analysed",
        f"{key.decoded} / {key.analysed}",
        f"{naive.decoded} / {naive.analysed}",
    )
    table.add_row(
        "core-seconds per video second",
        f"{key.cost_per_video_s:.3f}",
        f"{naive.cost_per_video_s:.3f}",
    )
    console.print(table)
    result = verdict(key, naive, cores)
    n_cores = cores or os.cpu_count() or 1
    copies = 4 * n_cores if concurrent is None else concurrent
    if copies > 0:
        with library_errors():
            # as `edge-agent run` with analysis_threads = cores: that many inferences at once
            shared = build_detector(single_thread_model(cfg), PROJECT_ROOT, concurrent=n_cores)
            measured = measure_concurrent(clip, shared, copies, n_cores)
        console.print(
            f"measured: {copies} copies of the clip through the whole agent ({n_cores} analysis "
            f"threads, one shared session) ran at {measured:.1f}× real time in total, i.e. "
            f"{int(measured)} camera(s) in real time."
        )
        result["measured_cameras_realtime"] = int(measured)
    console.print(
        f"on {cores or os.cpu_count()} core(s): keyframe mode sustains {result['cameras_realtime']} "
        f"camera(s) in real time, the naive pipeline {result['baseline_cameras_realtime']}; "
        f"decode + inference alone bound it at {result['bound_cameras']}."
    )
    print(json.dumps(result))
