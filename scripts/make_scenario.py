"""Compose a construction-watch test video (a timelapse) from real fixed-camera footage.

Every timelapse step (``--step-s`` of stream time, default 15 min) writes a burst of ``--burst``
frames ``--burst-gap-s`` apart, taken from consecutive frames of the source clip, so the people and
cars of the real footage pass through. On top of that, as the world would:

- a structure (a roof cut from a LEVIR image by its label mask) appears at ``--appear-step`` and
  stays, optionally growing at ``--grow-step``;
- a soft building shadow sweeps across the view;

and as the camera would: daylight fading (gain, gamma, colour temperature), jitter of a few pixels,
and optionally tamper from a given step: moved, covered, defocused, black, blank or frozen.

``--source vtest.avi`` takes the busy plaza of Debian's opencv-doc. ``--burst 1 --step-s 300``
makes the other form a box meets: single snapshots five minutes apart (an NVR's snapshot
schedule, a timelapse export).

Written with PyAV as H.264 in Matroska with a millisecond time base (every frame a keyframe), so
pts read back are minutes apart. Beside the video: ``<stem>.json`` (ground truth: structure area in
px and m2 through the written calibration, times, tamper) and ``<stem>-mask.png`` (final mask).

Usage::

    .venv/bin/python scripts/make_scenario.py --out /tmp/s/shed.mkv --structure test_2_0000_0512
    .venv/bin/python scripts/make_scenario.py --out /tmp/s/calm.mkv --lighting 1 --shadow --jitter 2
    .venv/bin/python scripts/make_scenario.py --out /tmp/s/moved.mkv --tamper moved --tamper-step 4

With the agent's default settings (reference: 9 frames 20 s apart, i.e. one per step here;
5 keyframes per observation) a file for ``edge-agent replay`` needs bursts of 5 and enough steps::

    .venv/bin/python scripts/make_scenario.py --out /tmp/s/shed5.mkv --structure test_2_0000_0512 \
        --steps 16 --appear-step 11 --burst 5 --jitter 1 --lighting 0.2
    .venv/bin/edge-agent replay /tmp/s/shed5.mkv --jsonl /tmp/s/out.jsonl

Several days (the daily patrol of a watched place): ``--days N`` repeats the ``--steps`` of a
day ``--day-s`` apart (default 24 h), ``--down-day K`` (1 = the first day) writes no frame that
day (the camera was down), and ``--start`` dates the first frame (written as the file's
``creation_time``, which replay reads as its clock). ``--appear-step`` and ``--tamper-step``
count steps over all days (day ``d``, step ``s`` is ``(d - 1) * steps + s``); lighting fades
over each day. Four days of six steps 45 min apart from 07:30, the third day down, a roof from
the fourth day's first step::

    .venv/bin/python scripts/make_scenario.py --out /tmp/s/patrol.mkv --structure test_2_0000_0512 \
        --days 4 --down-day 3 --steps 6 --step-s 2700 --burst 3 --burst-gap-s 30 \
        --appear-step 18 --start 2026-02-16T07:30:00+08:00
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from edge_agent.zones.geometry import GroundPlane

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
TIME_BASE = Fraction(1, 1000)
#: Busy real footage from Debian's ``opencv-doc`` (pedestrians in a plaza, 768x576, 795 frames).
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


def source_path(name: str) -> Path:
    """A source clip: ``vtest.avi`` (Debian opencv-doc), a path, or a name in shared/data/video."""
    if name == VTEST.name:
        if not VTEST.is_file():
            raise SystemExit(f"{VTEST}: missing; install Debian's opencv-doc (scripts/setup does)")
        return VTEST
    given = Path(name)
    return given if given.is_absolute() else DATA / "video" / name


@dataclass
class Spec:
    """Everything that defines one scenario (all times in stream seconds)."""

    out: str
    source: str = "car-park.mp4"
    steps: int = 10
    step_s: float = 900.0
    burst: int = 3
    burst_gap_s: float = 2.0
    structure: str | None = None  # LEVIR pair name, e.g. "test_2_0000_0512"
    appear_step: int = 3
    grow_step: int | None = None
    grow_factor: float = 1.6
    area_m2: float = 6.0
    center: tuple[float, float] = (0.5, 0.6)  # structure centre, fraction of width/height
    px_per_m: float = 40.0  # ground scale of the written calibration
    lighting: float = 0.0  # 0: constant light; 1: bright day fading to dusk
    shadow: bool = False
    jitter: float = 0.0  # px, random per frame
    tamper: str | None = None  # one of TAMPER_KINDS
    tamper_step: int = 5
    seed: int = 0
    days: int = 1  # the steps repeat each day, day_s apart
    day_s: float = 86400.0
    down_day: int | None = None  # 1 = the first day: no frame at all that day (camera down)
    start: str | None = None  # ISO 8601 with zone: the first frame's time (file creation_time)
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.days < 1:
            raise SystemExit(f"--days must be at least 1; got {self.days}")
        if self.down_day is not None and not 1 <= self.down_day <= self.days:
            raise SystemExit(f"--down-day must be a day from 1 to {self.days}; got {self.down_day}")
        if self.days > 1 and self.steps * self.step_s >= self.day_s:
            raise SystemExit("--steps x --step-s must fit in one day (--day-s) when --days > 1")

    def step_pts(self, step: int) -> float:
        """Stream time of a step counted over all days."""
        return (step // self.steps) * self.day_s + (step % self.steps) * self.step_s

    def written_steps(self) -> list[int]:
        """The steps counted over all days that have frames (the down day has none)."""
        total = self.steps * self.days
        return [g for g in range(total) if self.down_day != g // self.steps + 1]


@functools.cache
def frame_count(name: str) -> int:
    """Frames decoded from source clip ``name`` (remembered: the clip is decoded once to count)."""
    with av.open(str(source_path(name))) as c:
        return sum(1 for _ in c.decode(video=0))


def read_frames(name: str, indices: Iterable[int]) -> dict[int, np.ndarray]:
    """BGR frames ``indices`` of a source clip; only those are converted and kept (a whole clip
    in memory would be gigabytes)."""
    wanted = set(indices)
    out: dict[int, np.ndarray] = {}
    with av.open(str(source_path(name))) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i in wanted:
                out[i] = f.to_ndarray(format="bgr24")
            if len(out) == len(wanted):
                break
    return out


def _gray_small(frame: np.ndarray) -> np.ndarray:
    g = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return cv2.resize(g, (g.shape[1] // 2, g.shape[0] // 2), interpolation=cv2.INTER_AREA)


def _stabilise(first: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """``frame`` shifted onto the clip's ``first`` frame (some clips sway by ~10 px): the pasted
    structure must stay put relative to the ground, as a real one would."""
    warp = np.eye(2, 3, dtype=np.float32)
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-4)
    try:
        _, warp = cv2.findTransformECC(
            _gray_small(first), _gray_small(frame), warp, cv2.MOTION_TRANSLATION, crit, None, 5
        )
    except cv2.error:
        warp = np.eye(2, 3, dtype=np.float32)
    warp[:, 2] *= 2
    h, w = frame.shape[:2]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return cv2.warpAffine(frame, warp, (w, h), flags=flags, borderMode=cv2.BORDER_REFLECT)


@functools.lru_cache(maxsize=1)
def stabilised(name: str, indices: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Source frames ``indices`` of clip ``name``, stabilised; read-only. The last set is kept:
    scenarios of the same clip and seed (e.g. each tamper kind) reuse it."""
    src = read_frames(name, {0, *indices})
    return {i: _stabilise(src[0], src[i]) for i in indices}


def roof_patch(name: str, area_px: float) -> tuple[np.ndarray, np.ndarray]:
    """The largest new building of a LEVIR pair: BGR patch and its mask, scaled to ``area_px``."""
    lev = DATA / "change" / "levir"
    after = cv2.imread(str(lev / "B" / f"{name}.png"))
    label = cv2.imread(str(lev / "label" / f"{name}.png"), cv2.IMREAD_GRAYSCALE) > 127
    n, labels, stats, _ = cv2.connectedComponentsWithStats(label.astype(np.uint8))
    if n < 2:
        raise SystemExit(f"{name}: no building in the label")
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[i, :4])
    mask = (labels[y : y + h, x : x + w] == i).astype(np.uint8)
    k = float(np.sqrt(area_px / mask.sum()))
    size = (max(2, round(w * k)), max(2, round(h * k)))
    patch = cv2.resize(after[y : y + h, x : x + w], size, interpolation=cv2.INTER_LINEAR)
    return patch, cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST) > 0


def paste(frame: np.ndarray, patch: np.ndarray, mask: np.ndarray, center: tuple) -> np.ndarray:
    """Frame with the patch pasted at ``center`` (fractions); returns the full-frame mask."""
    h, w = mask.shape
    fy, fx = frame.shape[:2]
    x0 = int(np.clip(center[0] * fx - w / 2, 0, fx - w))
    y0 = int(np.clip(center[1] * fy - h / 2, 0, fy - h))
    full = np.zeros((fy, fx), bool)
    full[y0 : y0 + h, x0 : x0 + w] = mask
    frame[y0 : y0 + h, x0 : x0 + w][mask] = patch[mask]
    return full


def shadow(frame: np.ndarray, progress: float) -> None:
    """A soft wall shadow from the left whose edge sweeps right as ``progress`` goes 0 -> 1."""
    h, w = frame.shape[:2]
    edge = int(w * (0.05 + 0.5 * progress))
    m = np.zeros((h, w), np.float32)
    pts = np.array([[0, 0], [edge, 0], [edge + w // 6, h], [0, h]], np.int32)
    cv2.fillPoly(m, [pts], 1.0)
    m = cv2.GaussianBlur(m, (0, 0), 8)
    frame[:] = np.clip(frame * (1 - 0.45 * m[..., None]), 0, 255).astype(np.uint8)


def light(frame: np.ndarray, strength: float, progress: float) -> np.ndarray:
    """Daylight fading: gain down, gamma swing, warmer colour, scaled by ``strength``."""
    p = strength * progress
    gain = 1.0 - 0.55 * p
    gamma = 1.0 + 0.25 * strength * np.sin(np.pi * progress)
    rgb = np.array([1.0 - 0.15 * p, 1.0, 1.0 + 0.12 * p])  # B, G, R multipliers
    x = (frame.astype(np.float32) / 255.0) ** gamma * gain * rgb
    return np.clip(x * 255.0, 0, 255).astype(np.uint8)


def camera(frame: np.ndarray, shift: tuple[float, float], angle: float) -> np.ndarray:
    h, w = frame.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += shift
    return cv2.warpAffine(frame, m, (w, h), borderMode=cv2.BORDER_REFLECT)


def tamper(frame: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    h, w = frame.shape[:2]
    if kind == "moved":
        return camera(frame, (0.18 * w, 0.1 * h), 8.0)
    if kind == "covered":
        out = frame.copy()
        cover = np.full((h, w), 0, np.uint8)
        cv2.ellipse(cover, (w // 2, h // 2), (int(w * 0.55), int(h * 0.6)), 0, 0, 360, 255, -1)
        tarp = np.full_like(frame, 38) + rng.integers(0, 3, frame.shape, dtype=np.uint8)
        out[cover > 0] = tarp[cover > 0]
        return out
    if kind == "defocused":
        return cv2.GaussianBlur(frame, (0, 0), 4.0)
    if kind == "black":  # lens capped, or the IR light failed at night
        return (frame // 24).astype(np.uint8)
    if kind == "blank":  # the "no signal" screen of an encoder
        return np.full_like(frame, 128)
    raise SystemExit(f"unknown tamper kind {kind!r}: {', '.join(TAMPER_KINDS)}")


#: What ``--tamper`` can do; ``frozen`` repeats the first tampered frame to the end.
TAMPER_KINDS = ("moved", "covered", "defocused", "black", "blank", "frozen")


def _structure_masks(spec: Spec, shape: tuple) -> tuple:
    if spec.structure is None:
        return None, None
    area = spec.area_m2 * spec.px_per_m**2
    first = roof_patch(spec.structure, area)
    grown = roof_patch(spec.structure, area * spec.grow_factor) if spec.grow_step else None
    return first, grown


def source_index(spec: Spec, n: int, step: int, b: int) -> int:
    """Which of the ``n`` source frames makes frame ``b`` of timelapse step ``step``: each step an
    unrelated moment, a burst in sequence."""
    start = np.random.default_rng(spec.seed * 1000 + step).integers(n)
    return (int(start) + b * 4) % n


def compose(spec: Spec, src: dict[int, np.ndarray], step: int, b: int, rng, roofs) -> tuple:
    """One output frame and the structure mask visible in it (or None); ``src`` holds the
    stabilised frames of :func:`source_index`."""
    frame = src[source_index(spec, frame_count(spec.source), step, b)].copy()
    mask = None
    first, grown = roofs
    if first is not None and step >= spec.appear_step:
        roof = grown if grown is not None and step >= (spec.grow_step or 0) else first
        mask = paste(frame, roof[0], roof[1], spec.center)
    progress = (step % spec.steps) / max(1, spec.steps - 1)  # daylight fades over each day
    if spec.shadow:
        shadow(frame, progress)
    if spec.lighting:
        frame = light(frame, spec.lighting, progress)
    if spec.jitter:
        j = spec.jitter
        frame = camera(frame, tuple(rng.uniform(-j, j, 2)), float(rng.uniform(-0.1, 0.1) * j))
    if spec.tamper and step >= spec.tamper_step and spec.tamper != "frozen":
        frame = tamper(frame, spec.tamper, rng)
    return frame, mask


def write(spec: Spec) -> dict[str, object]:
    """Write the video, its ground-truth JSON and mask PNG; return the ground truth."""
    out = Path(spec.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = frame_count(spec.source)
    steps = [(step, b) for step in spec.written_steps() for b in range(spec.burst)]
    src = stabilised(spec.source, tuple(sorted({source_index(spec, n, *sb) for sb in steps})))
    h, w = next(iter(src.values())).shape[:2]
    rng = np.random.default_rng(spec.seed)
    roofs = _structure_masks(spec, (h, w))
    last_mask, stuck = None, None
    with av.open(str(out), "w", format="matroska") as c:
        if spec.start is not None:
            c.metadata["creation_time"] = _creation_time(spec.start)
        s = c.add_stream("libx264", rate=1)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.time_base = s.codec_context.time_base = TIME_BASE
        s.codec_context.gop_size = 1
        s.codec_context.options = {"crf": "18", "preset": "veryfast"}
        for step in spec.written_steps():
            for b in range(spec.burst):
                frame, mask = compose(spec, src, step, b, rng, roofs)
                if spec.tamper == "frozen" and step >= spec.tamper_step:
                    stuck = frame if stuck is None else stuck  # the stream repeats one picture
                    frame = stuck
                last_mask = mask if mask is not None else last_mask
                vf = av.VideoFrame.from_ndarray(frame, format="bgr24")
                vf.pts = round((spec.step_pts(step) + b * spec.burst_gap_s) * 1000)
                vf.time_base = TIME_BASE
                c.mux(s.encode(vf))
        c.mux(s.encode())
    return _ground_truth(spec, out, (w, h), roofs, last_mask)


def _creation_time(start: str) -> str:
    when = datetime.fromisoformat(start)
    if when.tzinfo is None:
        raise SystemExit(f"--start {start!r}: give the time zone too, e.g. +08:00")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _days(spec: Spec) -> list[dict[str, object]]:
    """Each day's first and last frame pts, and whether the camera was down."""
    last = (spec.steps - 1) * spec.step_s + (spec.burst - 1) * spec.burst_gap_s
    return [
        {
            "day": d + 1,
            "down": spec.down_day == d + 1,
            "first_pts": d * spec.day_s,
            "last_pts": d * spec.day_s + last,
        }
        for d in range(spec.days)
    ]


def _ground_truth(spec: Spec, out: Path, size: tuple, roofs, last_mask) -> dict[str, object]:
    w, h = size
    image_pts = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
    ground_pts = [(x / spec.px_per_m, y / spec.px_per_m) for x, y in image_pts]
    gt: dict[str, object] = {
        "video": out.name,
        "spec": asdict(spec),
        "calibration": {"image_points": image_pts, "ground_points_m": ground_pts},
        "frames": len(spec.written_steps()) * spec.burst,
        "start": spec.start,
        "days": _days(spec),
        "structure": None,
        "tamper": None,
    }
    ground = GroundPlane.from_points(image_pts, ground_pts)
    if roofs[0] is not None and last_mask is not None:
        first_mask = paste(np.zeros((h, w, 3), np.uint8), roofs[0][0], roofs[0][1], spec.center)
        ys, xs = np.nonzero(last_mask)
        gt["structure"] = {
            "levir": spec.structure,
            "appear_step": spec.appear_step,
            "appear_pts": spec.step_pts(spec.appear_step),
            "area_px": int(first_mask.sum()),
            "area_m2": round(ground.mask_area_m2(first_mask), 3),
            "grow_step": spec.grow_step,
            "grow_pts": spec.step_pts(spec.grow_step) if spec.grow_step else None,
            "final_area_px": int(last_mask.sum()),
            "final_area_m2": round(ground.mask_area_m2(last_mask), 3),
            "final_bbox": [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
        }
        cv2.imwrite(str(out.with_name(out.stem + "-mask.png")), last_mask.astype(np.uint8) * 255)
    if spec.tamper:
        gt["tamper"] = {
            "kind": spec.tamper,
            "step": spec.tamper_step,
            "pts": spec.step_pts(spec.tamper_step),
        }
    out.with_suffix(".json").write_text(json.dumps(gt, indent=1))
    return gt


def parse(argv: list[str] | None = None) -> Spec:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="Video to write (.mkv).")
    for f in Spec.__dataclass_fields__.values():
        if f.name in ("out", "extra", "center"):
            continue
        kind = {"int": int, "float": float, "bool": None}.get(str(f.type).split(" ")[0], str)
        flag = "--" + f.name.replace("_", "-")
        if f.type == "bool":
            p.add_argument(flag, action="store_true", help=f"{f.name} (default off)")
        else:
            p.add_argument(flag, type=kind, default=f.default, help=f"default {f.default}")
    p.add_argument("--center", type=float, nargs=2, default=(0.5, 0.6), help="x y fractions")
    return Spec(**vars(p.parse_args(argv)))


if __name__ == "__main__":
    truth = write(parse())
    print(json.dumps({k: truth[k] for k in ("video", "frames", "structure", "tamper")}, indent=1))
