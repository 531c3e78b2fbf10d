"""CPU cost of the camera-health analytic: ms per checked frame, and per analysed frame at its
cadence (``every_s``, default 10 s of stream) on a stream of keyframes every 2 s.

Usage::

    PYTHONPATH=. .venv/bin/python scripts/bench_health.py [--frames 200]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import av
import cv2
import numpy as np

from edge_agent.analytics.base import Setup
from edge_agent.analytics.camera_health import CameraHealthRunner
from edge_agent.config.load import parse
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.origin import Origin, StreamClock

T0 = datetime(2026, 5, 1, tzinfo=UTC)
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
KEYFRAME_S = 2.0


def _images(n: int) -> list[np.ndarray]:
    with av.open(str(VTEST)) as c:
        return [f.to_ndarray(format="bgr24") for f in islice(c.decode(video=0), n)]


def _ms_per_check(images: list[np.ndarray]) -> tuple[float, float]:
    cfg = parse(
        {
            "box": {"site_id": "x", "box_id": "b"},
            "cameras": [{"id": "c", "url": "x.mp4", "health": {"reference_spacing_s": 0}}],
        }
    )
    cam = cfg.cameras[0]
    setup = Setup(cfg, cam, Origin.of_camera(cfg, cam.id), StreamClock.fixed("c", T0), None, Path())
    runner = CameraHealthRunner(setup, cfg.health_for(cam))
    took = []
    for i, img in enumerate(images):
        frame = Frame("c", img, i * 10.0, i, True)
        start = time.thread_time()  # CPU time: holds on a loaded machine
        runner.observe(frame, Detections.empty(), T0 + timedelta(seconds=frame.pts))
        took.append((time.thread_time() - start) * 1000)
    steady = took[len(took) // 5 :]  # after the healthy view is learnt
    return float(np.median(steady)), float(np.percentile(steady, 95))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=200)
    args = p.parse_args()
    cv2.setNumThreads(1)  # the cost on one core, as a box running many cameras sees it
    small = _images(args.frames)
    sizes = {"768x576 (vtest)": small}
    sizes["1920x1080"] = [cv2.resize(i, (1920, 1080)) for i in small]
    every = 10.0  # CameraHealthSettings.every_s default
    print(f"{'frame':18} {'ms/check median':>16} {'p95':>8} {'ms/analysed frame':>18}")
    for name, images in sizes.items():
        med, p95 = _ms_per_check(images)
        print(f"{name:18} {med:16.2f} {p95:8.2f} {med * KEYFRAME_S / every:18.2f}")


if __name__ == "__main__":
    main()
