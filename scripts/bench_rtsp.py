#!/usr/bin/env python
"""RTSP load test of one edge box: ``scripts/bench_rtsp.py [--steps 16,32,64,128,230]``.

Serves a shared clip on N RTSP paths from one gst-rtsp-server process on 127.0.0.1, runs one
``edge-agent run`` over all N, and carries its incidents through a Mosquitto to a collector that
files tickets (see :mod:`collector.endtoend.rtsp_load`). One JSON line per step, then a last line:
``{"cameras_rtsp_realtime": N, "mb_per_camera": M, "latency_p95_ms": L, ...}``, also written to
``--results`` (default ``var/bench/rtsp.json``), where ``edge-agent bench`` picks the three up.
This is a benchmark, not a test: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO.parent / "shared" / "data" / "video" / "one-by-one-person.mp4"
RESULTS = REPO / "var" / "bench" / "rtsp.json"


def main(argv: list[str]) -> int:
    from collector.endtoend.rtsp_load import LoadOptions, run_load, summary

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=CLIP, help="H.264 mp4 to serve")
    parser.add_argument("--steps", default="16,32,64,128,230", help="camera counts, ascending")
    parser.add_argument("--warmup-s", type=float, default=20.0, help="seconds before measuring")
    parser.add_argument("--measure-s", type=float, default=40.0, help="seconds measured per step")
    parser.add_argument("--all-steps", action="store_true", help="go on after a step misses")
    parser.add_argument("--workdir", type=Path, help="keep logs and stores here")
    parser.add_argument(
        "--alarming",
        type=int,
        help="cameras whose zone alarms on one person (default all); the others keep the "
        "default thresholds (a lane far below advisory)",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="write the last line here too"
    )
    parser.add_argument("--analysis-threads", type=int, help="the agent's analysis_threads")
    args = parser.parse_args(argv)
    try:
        steps = [int(s) for s in args.steps.split(",")]
    except ValueError:
        parser.error(f"--steps: comma-separated integers expected, got {args.steps!r}")
    if not args.video.is_file():
        parser.error(f"--video: no such file: {args.video}")
    opts = LoadOptions(
        video=args.video,
        steps=steps,
        warmup_s=args.warmup_s,
        measure_s=args.measure_s,
        workdir=args.workdir,
        stop_after_miss=not args.all_steps,
        alarming=args.alarming,
        analysis_threads=args.analysis_threads,
    )
    line = json.dumps(summary(run_load(opts)))
    # `edge-agent bench` reads the figures from here: the agent may not import the collector
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(line + "\n")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
