"""A small sample clip, generated on first use, so the demo needs no file of the user's.

The scene is a drawn old-town lane (stone paving, a canal edge, house fronts) in which copies of
the portrait ``grace_hopper.jpg`` gather and then leave. That photograph ships with matplotlib
(``mpl-data/sample_data``); it is an official U.S. Navy photograph of Rear Admiral Grace M. Hopper
and, as a work of the U.S. federal government, in the public domain. The default person model
finds each copy, so the clip drives the crowd analytics from empty to a warning and back.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from edge_agent.config import AgentConfig, parse

__all__ = [
    "SAMPLE_VERSION",
    "sample_video_path",
    "make_sample_video",
    "sample_config",
    "crowd_size",
]

SAMPLE_VERSION = 1
WIDTH, HEIGHT, FPS, SECONDS = 768, 432, 4, 150
PERSON_H = 120
#: Where each person stands: two rows in the lane, far from each other so no box hides another.
SLOTS = [(20 + 122 * i, 150) for i in range(6)] + [(70 + 112 * i, 290) for i in range(6)]
LANE_POLYGON = [[20, 140], [748, 140], [748, 425], [20, 425]]
LANE_AREA_M2 = 5.0  # a 1.7 m × 3 m stretch of a narrow lane


def crowd_size(t: float) -> int:
    """People in the lane at second ``t``: arriving for 90 s, a plateau, then leaving."""
    if t < 10:
        return 0
    if t < 100:
        return min(len(SLOTS), int((t - 10) / 90 * len(SLOTS)) + 1)
    if t < 120:
        return len(SLOTS)
    return max(0, len(SLOTS) - int((t - 120) / 2))


def _portrait() -> np.ndarray:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    img = cv2.imread(str(path))
    if img is None:
        raise FileNotFoundError(f"sample portrait not found: {path}")
    w = int(img.shape[1] * PERSON_H / img.shape[0])
    return cv2.resize(img, (w, PERSON_H), interpolation=cv2.INTER_AREA)


def _background(rng: np.random.Generator) -> np.ndarray:
    bg = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    bg[:120] = (200, 205, 210)  # whitewashed house fronts
    for x in range(30, WIDTH, 150):  # dark timber doors and windows
        cv2.rectangle(bg, (x, 30), (x + 60, 118), (40, 45, 60), -1)
    bg[120:] = (120, 125, 128)  # stone paving
    for y in range(130, HEIGHT, 24):
        off = 0 if (y // 24) % 2 else 20
        for x in range(-off, WIDTH, 40):
            cv2.rectangle(bg, (x, y), (x + 38, y + 22), (110, 118, 122), 1)
    noise = rng.normal(0, 1.5, bg.shape)
    return np.clip(bg + noise, 0, 255).astype(np.uint8)


def _frame(bg: np.ndarray, person: np.ndarray, n: int, t: float) -> np.ndarray:
    img = bg.copy()
    w = person.shape[1]
    for i in range(n):
        x, y = SLOTS[i]
        x += int(6 * np.sin(t * 0.8 + i))  # people shift a little on the spot
        img[y : y + PERSON_H, x : x + w] = person
    return img


def make_sample_video(path: Path) -> Path:
    """Write the sample clip (H.264 in MP4, keyframe every second) to ``path``."""
    rng = np.random.default_rng(7)
    bg, person = _background(rng), _portrait()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.mp4")
    with av.open(str(tmp), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.gop_size = FPS
        stream.codec_context.time_base = Fraction(1, FPS)
        stream.options = {"preset": "veryfast", "crf": "26"}
        for i in range(FPS * SECONDS):
            t = i / FPS
            frame = av.VideoFrame.from_ndarray(_frame(bg, person, crowd_size(t), t), format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    os.replace(tmp, path)
    return path


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gridwatch"


def sample_video_path() -> Path:
    """The sample clip, generated into the user's cache on first use (a few seconds)."""
    path = _cache_dir() / f"sample-lane-v{SAMPLE_VERSION}.mp4"
    if not path.is_file():
        make_sample_video(path)
    return path


def sample_config(video: Path, mqtt_url: str = "mqtt://127.0.0.1:1883") -> AgentConfig:
    """The box config of the sample: camera ``alley-01`` watching lane ``lane-north``."""
    return parse(
        {
            "box": {"site_id": "xitang", "box_id": "box-01"},
            "mqtt": {"url": mqtt_url},
            "defaults": {
                "thresholds": {
                    "raise_after_s": 5,
                    "clear_after_s": 10,
                    "cooldown_s": 30,
                    "smoothing_window_s": 4,
                    "forecast_window_s": 40,
                    "forecast_horizon_s": 300,
                }
            },
            "cameras": [
                {
                    "id": "alley-01",
                    "url": str(video),
                    "zones": [
                        {
                            "id": "lane-north",
                            "kind": "alley",
                            "grid_cell": "330421101001001",
                            "polygon": LANE_POLYGON,
                            "area_m2": LANE_AREA_M2,
                        }
                    ],
                }
            ],
        },
        source="<sample config>",
    )
