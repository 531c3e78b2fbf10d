"""``edge-agent bench``: a benchmark, not a test — what one camera costs, and how many fit."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from edge_agent.cli.common import console, library_errors
from edge_agent.config.models import ModelKind

SHARED_CLIP = Path(__file__).resolve().parents[2].parent / "shared/data/video/one-by-one-person.mp4"


QUIET_CLIP = SHARED_CLIP.with_name("car-park.mp4")
RTSP_RESULTS = Path(__file__).resolve().parents[2] / "var/bench/rtsp.json"


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
    quiet_video: Annotated[
        Path, typer.Option(help="Clip of a quiet hour for the mixed day (no people).")
    ] = QUIET_CLIP,
    busy_hours: Annotated[
        float, typer.Option(help="Hours of the mixed day like --video; the rest like the quiet.")
    ] = 8.0,
    rtsp_results: Annotated[
        Path, typer.Option(help="Figures of scripts/bench_rtsp.py (it writes them there).")
    ] = RTSP_RESULTS,
) -> None:
    """Per-stage cost per analysed frame: every keyframe, adaptive, and decode-all at 2 fps, on
    the clip and on a mixed day (busy hours of the clip, quiet hours of --quiet-video).

    The last line is one JSON object: {"cameras_realtime": N (every keyframe),
    "baseline_cameras_realtime": M (naive), "ratio", "bound_cameras", "adaptive_cameras_realtime",
    "mixed_day_cameras_realtime", "mixed_day_baseline_cameras_realtime", "mixed_day_ratio",
    "efficiency", "cameras_rtsp_realtime", "mb_per_camera", "latency_p95_ms", ...}; the last
    three come from --rtsp-results (null until scripts/bench_rtsp.py has run).
    """
    from edge_agent.bench import measure_concurrent, rtsp_figures, single_thread_model
    from edge_agent.config.models import ModelConfig
    from edge_agent.detect.detector import build_detector
    from edge_agent.sample import sample_video_path

    clip = video or (SHARED_CLIP if SHARED_CLIP.is_file() else sample_video_path())
    cfg = (
        ModelConfig() if model is None else ModelConfig(path=str(model.resolve()), kind=model_kind)
    )
    with library_errors():
        detector = build_detector(single_thread_model(cfg), Path.cwd())
        detector.detect(__import__("numpy").zeros((64, 64, 3), "uint8"))  # warm-up
        busy = _modes(clip, detector, naive_fps)
        quiet = _modes(quiet_video, detector, naive_fps)
    _print_table(clip, busy)
    _print_table(quiet_video, quiet)
    n_cores = cores or os.cpu_count() or 1
    result = _verdict(busy, quiet, busy_hours, n_cores)
    copies = 4 * n_cores if concurrent is None else concurrent
    if copies > 0:
        with library_errors():
            # as `edge-agent run` with analysis_threads = cores: that many inferences at once
            shared = build_detector(single_thread_model(cfg), Path.cwd(), concurrent=n_cores)
            measured = measure_concurrent(clip, shared, copies, n_cores)
        console.print(
            f"measured: {copies} copies of the clip through the whole agent ({n_cores} analysis "
            f"threads, one shared session, adaptive) ran at {measured:.1f}× real time in total, "
            f"i.e. {int(measured)} camera(s) in real time."
        )
        result["measured_cameras_realtime"] = int(measured)
    result |= rtsp_figures(rtsp_results)
    _say(result, n_cores, busy_hours)
    print(json.dumps(result))


def _modes(clip: Path, detector: Any, naive_fps: float) -> dict[str, Any]:
    from edge_agent.bench import measure

    return {
        "keyframes": measure(clip, detector, "every keyframe", None),
        "adaptive": measure(clip, detector, "adaptive", None, cadence=None),
        "naive": measure(clip, detector, f"all frames, {naive_fps:g} fps", naive_fps),
    }


def _print_table(clip: Path, modes: dict[str, Any]) -> None:
    from edge_agent.bench import STAGES

    table = Table(
        title=f"{clip.name}: ms per frame through the pipeline (1 decoder, 1 inference thread)"
    )
    table.add_column("stage")
    for mode in modes.values():
        table.add_column(mode.name, justify="right")
    for stage in STAGES:
        table.add_row(stage, *(f"{m.per_frame_ms(stage):.2f}" for m in modes.values()))
    table.add_row(
        "frames decoded / analysed", *(f"{m.decoded} / {m.analysed}" for m in modes.values())
    )
    table.add_row(
        "core-seconds per video second", *(f"{m.cost_per_video_s:.3f}" for m in modes.values())
    )
    console.print(table)


def _verdict(
    busy: dict[str, Any], quiet: dict[str, Any], busy_hours: float, cores: int
) -> dict[str, Any]:
    from edge_agent.bench import cameras, mixed_day, verdict

    result: dict[str, Any] = dict(verdict(busy["keyframes"], busy["naive"], cores))
    result["adaptive_cameras_realtime"] = cameras(busy["adaptive"].cost_per_video_s, cores)
    day = {
        mode: mixed_day({"busy": (busy[mode], busy_hours), "quiet": (quiet[mode], 24 - busy_hours)})
        for mode in busy
    }
    adaptive, naive = cameras(day["adaptive"][0], cores), cameras(day["naive"][0], cores)
    result["mixed_day_cameras_realtime"] = adaptive
    result["mixed_day_keyframes_cameras_realtime"] = cameras(day["keyframes"][0], cores)
    result["mixed_day_baseline_cameras_realtime"] = naive
    result["mixed_day_ratio"] = round(adaptive / naive, 2) if naive else None
    result["mixed_day_bound_cameras"] = cameras(day["adaptive"][1], cores)
    # share of the adaptive pipeline's time spent in decode + inference (1.0: nothing else)
    result["efficiency"] = round(day["adaptive"][1] / day["adaptive"][0], 3)
    return result


def _say(result: dict[str, Any], cores: int, busy_hours: float) -> None:
    console.print(
        f"on {cores} core(s): every keyframe sustains {result['cameras_realtime']} camera(s) in "
        f"real time, adaptive {result['adaptive_cameras_realtime']}, the naive pipeline "
        f"{result['baseline_cameras_realtime']}; decode + inference alone bound every-keyframe at "
        f"{result['bound_cameras']}. Mixed day ({busy_hours:g} busy hours): adaptive "
        f"{result['mixed_day_cameras_realtime']}, naive {result['mixed_day_baseline_cameras_realtime']}"
        f" (ratio {result['mixed_day_ratio']}), adaptive's own decode + inference bound "
        f"{result['mixed_day_bound_cameras']} (efficiency {result['efficiency']})."
    )
    if result.get("cameras_rtsp_realtime") is None:
        console.print(
            "RTSP figures: none yet (run scripts/bench_rtsp.py; it writes var/bench/rtsp.json)."
        )
