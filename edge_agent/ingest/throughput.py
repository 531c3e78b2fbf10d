"""Decode throughput of a file in each decode mode (a measurement, not a test).

Run::

    python -m edge_agent.ingest.throughput ../shared/data/video/one-by-one-person.mp4 --repeat 3

Per mode it prints one JSON line with the median of ``repeat`` runs: wall seconds, the process's
CPU seconds and CPU milliseconds per frame yielded (and their median over the runs: steadier than
wall time on a busy box), stream seconds covered, frames yielded, stream frames per wall second,
the real-time factor (how many such cameras one decoding thread could follow) and the per-stage
seconds of :class:`SourceStats`.

``--look`` says what a consumer asks of each frame: ``none``; ``gray`` (what the cadence compares:
a keyframe it does not analyse); ``bgr`` (a picture in colour, as every frame was converted before
pictures were converted on demand); ``both`` (an analysed keyframe: compared, then detected on).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from edge_agent.config.models import DecodeMode
from edge_agent.frames import Frame
from edge_agent.ingest.source import AvSource, SourceSpec

__all__ = ["measure", "MODES", "LOOKS"]

#: name → (decode mode, fps); ``every`` analyses all frames (fps above any clip's rate).
MODES: dict[str, tuple[DecodeMode, float | None]] = {
    "keyframes": (DecodeMode.KEYFRAMES, None),
    "fps2": (DecodeMode.FPS, 2.0),
    "every": (DecodeMode.FPS, 60.0),
}

#: what a consumer asks of each frame (``--look``), as a function of the frame.
LOOKS: dict[str, Callable[[Frame], object]] = {
    "none": lambda f: None,
    "gray": lambda f: f.gray,
    "bgr": lambda f: f.image,
    "both": lambda f: (f.gray, f.image),
}


def measure(
    path: str, mode: DecodeMode, fps: float | None, threads: int = 0, look: str = "none"
) -> dict[str, Any]:
    """Decode ``path`` once, asking ``look`` (a key of :data:`LOOKS`) of each frame, and return
    the figures of that run."""
    source = AvSource(SourceSpec("bench", path, mode, fps, threads=threads))
    ask = LOOKS[look]
    started, cpu_started = time.perf_counter(), time.process_time()
    first = last = None
    with source:
        for frame in source.frames():
            ask(frame)
            first = frame.pts if first is None else first
            last = frame.pts
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    stats = source.stats
    stream_s = (last or 0.0) - (first or 0.0)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "cpu_ms_per_frame": 1e3 * cpu / max(stats.yielded, 1),
        "stream_s": stream_s,
        "frames_yielded": stats.yielded,
        "stream_frames_per_s": stats.packets / wall,
        "realtime_factor": stream_s / wall,
        "stages_s": {k: getattr(stats, k) for k in ("demux_s", "decode_s", "convert_s")},
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Decode throughput per decode mode.")
    parser.add_argument("video", help="a video file PyAV can read")
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (median reported)")
    parser.add_argument("--threads", type=int, default=0, help="decoder threads (0 = FFmpeg)")
    parser.add_argument(
        "--look", choices=sorted(LOOKS), default="none", help="what is asked of each frame"
    )
    parser.add_argument("--modes", default=",".join(MODES), help="decode modes, comma-separated")
    args = parser.parse_args(argv)
    for name in args.modes.split(","):
        if name not in MODES:
            parser.error(f"--modes: unknown mode {name!r}; known: {', '.join(MODES)}")
        mode, fps = MODES[name]
        runs = [measure(args.video, mode, fps, args.threads, args.look) for _ in range(args.repeat)]
        best = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        best["wall_s_runs"] = [round(r["wall_s"], 3) for r in runs]
        best["wall_s_median"] = statistics.median(r["wall_s"] for r in runs)
        best["cpu_ms_per_frame_median"] = statistics.median(r["cpu_ms_per_frame"] for r in runs)
        print(
            json.dumps({"mode": name, "threads": args.threads, "look": args.look} | _rounded(best))
        )
    return 0


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, float):
            out[key] = round(value, 3)
        elif isinstance(value, dict):
            out[key] = _rounded(value)
        else:
            out[key] = value
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
