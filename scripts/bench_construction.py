"""Cost of the construction watch on this machine: per frame between observations, and per
observation (median of K keyframes, tamper checks, registration, comparator, regions).

Usage::

    .venv/bin/python scripts/bench_construction.py [--video ../shared/data/video/road.avi]
        [--size 1920x1080] [--observations 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import av
import cv2
import numpy as np

from edge_agent.analytics.construction_watch import Comparator, ConstructionWatch
from edge_agent.config.models import ConstructionSettings
from edge_agent.detections import Detections
from edge_agent.frames import Frame

REPO = Path(__file__).resolve().parent.parent


def frames(video: Path, size: tuple[int, int] | None) -> list[np.ndarray]:
    with av.open(str(video)) as c:
        out = [f.to_ndarray(format="bgr24") for f in islice(c.decode(video=0), 60)]
    return [cv2.resize(f, size) if size else f for f in out]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--video", type=Path, default=REPO.parent / "shared/data/video/road.avi")
    p.add_argument("--size", default=None, help="Resize frames to WxH first (e.g. 1920x1080).")
    p.add_argument("--observations", type=int, default=10, help="Observations to time.")
    a = p.parse_args()
    size = tuple(int(v) for v in a.size.split("x")) if a.size else None
    imgs = frames(a.video, size)  # type: ignore[arg-type]
    s = ConstructionSettings(reference_frames=3, reference_spacing_s=0)
    watch = ConstructionWatch(
        "bench", "box", "cam", None, s, Comparator(REPO / s.model), None, tempfile.mkdtemp()
    )
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    pts, between, observing = 0.0, [], []
    for i in range(a.observations * 150 + 3):  # keyframes 2 s apart, observation every 300 s
        img = imgs[i % len(imgs)]
        before = watch.observations
        start = time.perf_counter()
        watch.observe(
            Frame("cam", img, pts, i, True), Detections.empty(), t0 + timedelta(seconds=pts)
        )
        took = time.perf_counter() - start
        (observing if watch.observations > before else between).append(took)
        pts += 2.0
    h, w = imgs[0].shape[:2]
    print(
        f"{w}x{h}: {len(observing)} observations, median {np.median(observing) * 1000:.0f} ms; "
        f"other frames median {np.median(between) * 1000:.2f} ms "
        f"(gathering for an observation included)"
    )


if __name__ == "__main__":
    main()
