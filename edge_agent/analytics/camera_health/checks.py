"""The camera-health checks: pure functions of small grayscale views, cheap enough for every camera.

A :class:`View` is one analysed frame reduced once (about 1-2 ms): a subsampled gray copy that
keeps the sensor's noise (a frozen stream repeats it exactly, a live one never does) and, on a
coarser grid, the log image (a change of gain or gamma shifts or scales it, the scene's structure
stays). The checks compare a view with the camera's :class:`Baseline`, learnt from healthy
views, relative to how much healthy views already differ from it: a plain car park and a busy
plaza get thresholds of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from edge_agent.config.models import CameraHealthSettings

__all__ = [
    "View",
    "Baseline",
    "Verdict",
    "Limits",
    "view_of",
    "baseline_of",
    "blind",
    "verdict",
    "limits_of",
    "is_frozen_pair",
    "CHECKS",
]

#: The checks by name, as ``metrics.check`` of a tamper incident carries them.
CHECKS = ("black", "blank", "frozen", "covered", "defocused", "moved")

_SIDE = 192  # structure checks run on a copy of at most this many pixels on its longer side
_GRID = 6  # cells per side for the covered / defocused checks
_BLOCKS = 3  # blocks per side for the moved check
_SWAY = 0.04  # shifts up to this share of the width are sway, undone before the moved check
_NOISE_STEP = 4  # the frozen check reads every 4th pixel of the full frame (noise not averaged)


@dataclass(frozen=True)
class View:
    """One frame, reduced for the checks."""

    raw: np.ndarray  # uint8 gray, every _NOISE_STEP-th pixel of the frame
    small: np.ndarray  # uint8 gray, the frame shrunk to _SIDE (area-averaged)
    mean: float  # mean gray (0-255)
    spread: float  # standard deviation of gray
    band: np.ndarray  # float32 band-passed log image, _SIDE grid
    fine: np.ndarray  # per cell: fine detail (high-pass energy of the log image)
    coarse: np.ndarray  # per cell: coarse contrast (std of the blurred log image)


@dataclass(frozen=True)
class Baseline:
    """The healthy view: a median of healthy frames and how much healthy frames differ from it."""

    view: View
    corr: float  # lowest structure correlation of the frames it was made of


@dataclass(frozen=True)
class Verdict:
    """``check`` names what fired (None: healthy); ``reason`` says it in words with numbers."""

    check: str | None
    reason: str = ""
    figures: tuple[tuple[str, float], ...] = ()


def _cells(a: np.ndarray) -> np.ndarray:
    return cv2.resize(a, (_GRID, _GRID), interpolation=cv2.INTER_AREA)


def view_of(image: np.ndarray) -> View:
    """Reduce a BGR (or gray) frame for the checks."""
    color = image.ndim == 3
    raw = image[::_NOISE_STEP, ::_NOISE_STEP]
    raw = cv2.cvtColor(raw, cv2.COLOR_BGR2GRAY) if color else np.ascontiguousarray(raw)
    scale = min(1.0, _SIDE / max(image.shape[:2]))
    size = (max(8, round(image.shape[1] * scale)), max(8, round(image.shape[0] * scale)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)  # averaged: texture, not noise
    return _reduce(raw, cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if color else small)


def _reduce(raw: np.ndarray, small: np.ndarray) -> View:
    log = np.log(small.astype(np.float32) / 255.0 + 0.03)
    soft = cv2.GaussianBlur(log, (0, 0), 1.0)
    band = soft - cv2.GaussianBlur(log, (0, 0), 5.0)
    fine = _cells(np.abs(log - soft))
    blurred = cv2.GaussianBlur(log, (0, 0), 2.0)
    coarse = np.sqrt(np.maximum(_cells(blurred**2) - _cells(blurred) ** 2, 0.0))
    return View(raw, small, float(small.mean()), float(small.std()), band, fine, coarse)


def _blocks(a: np.ndarray) -> list[np.ndarray]:
    h, w = a.shape
    return [
        a[h * i // _BLOCKS : h * (i + 1) // _BLOCKS, w * j // _BLOCKS : w * (j + 1) // _BLOCKS]
        for i in range(_BLOCKS)
        for j in range(_BLOCKS)
    ]


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float(np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


def _block_corr(a: np.ndarray, b: np.ndarray) -> float:
    pairs = zip(_blocks(a), _blocks(b), strict=True)
    return float(np.median([_ncc(x, y) for x, y in pairs]))


def _corr(a: View, b: View) -> float:
    """Median over blocks of the structure correlation: a car or a crowd filling one block of
    the view does not make it "moved", a camera pointing elsewhere decorrelates every block. A
    sway of a few pixels (up to ``_SWAY`` of the width, found by phase correlation) is undone
    first: a mast that sways has not been turned."""
    if a.band.shape != b.band.shape:
        return 0.0
    still = _block_corr(a.band, b.band)
    (dx, dy), _ = cv2.phaseCorrelate(a.band, b.band)
    if not 0.5 <= np.hypot(dx, dy) <= _SWAY * a.band.shape[1]:
        return still
    back = np.array([[1, 0, -dx], [0, 1, -dy]], np.float32)
    size = (a.band.shape[1], a.band.shape[0])
    steady = cv2.warpAffine(b.band, back, size, borderMode=cv2.BORDER_REFLECT)
    return max(still, _block_corr(a.band, steady))


def baseline_of(views: list[View]) -> Baseline:
    """The baseline of healthy views: their median, and their worst correlation with it."""
    median = np.median(np.stack([v.small for v in views]), axis=0).astype(np.uint8)
    ref = _reduce(views[-1].raw, median)
    # detail as single frames show it (a median of frames is less noisy than any frame)
    fine = np.median(np.stack([v.fine for v in views]), axis=0)
    coarse = np.median(np.stack([v.coarse for v in views]), axis=0)
    ref = replace(ref, fine=fine, coarse=coarse)
    return Baseline(ref, min(_corr(ref, v) for v in views))


def is_frozen_pair(a: View, b: View, max_mean_diff: float) -> bool:
    """The same picture again: a live sensor never repeats its noise, a stuck stream does."""
    if a.raw.shape != b.raw.shape:
        return False
    diff = cv2.absdiff(a.raw, b.raw)
    return float(diff.mean()) <= max_mean_diff and float(np.percentile(diff, 99.5)) <= 4


@dataclass(frozen=True)
class Limits:
    """Thresholds of the checks (from ``CameraHealthSettings``)."""

    black_below: float
    blank_spread: float
    covered_fraction: float
    sharpness_ratio: float
    moved_corr_ratio: float


def limits_of(s: CameraHealthSettings) -> Limits:
    """The check thresholds of camera-health (or construction-watch) settings."""
    return Limits(
        s.black_below, s.blank_spread, s.covered_fraction, s.sharpness_ratio, s.moved_corr_ratio
    )


def blind(obs: View, lim: Limits) -> Verdict | None:
    """Black or blank: what a view shows without any baseline (``None``: neither)."""
    if obs.mean < lim.black_below:
        return Verdict("black", f"black: mean level {obs.mean:.0f} of 255", (("mean", obs.mean),))
    if obs.spread < lim.blank_spread:
        why = f"blank: the picture is uniform (spread {obs.spread:.1f})"
        return Verdict("blank", why, (("spread", obs.spread),))
    return None


def verdict(base: Baseline, obs: View, lim: Limits) -> Verdict:
    """Black, blank, covered, defocused or moved, in that order (the first that fires)."""
    if (dark := blind(obs, lim)) is not None:
        return dark
    ref = base.view
    # covered: the coarse structure of a cell is gone (a tarp or hand may still show noise)
    shaped = ref.coarse > 0.004
    gone = shaped & (obs.coarse < 0.3 * ref.coarse)
    covered = float(gone.sum() / max(int(shaped.sum()), 1))
    detailed = ref.fine > max(1e-4, float(np.percentile(ref.fine, 20)) * 0.5)
    if covered >= lim.covered_fraction:
        why = f"covered: {covered:.0%} of the view lost its detail"
        return Verdict("covered", why, (("covered", covered),))
    sharp = float(np.median(obs.fine[detailed] / (ref.fine[detailed] + 1e-6)))
    if sharp < lim.sharpness_ratio:
        why = f"defocused: sharpness {sharp:.0%} of the reference"
        return Verdict("defocused", why, (("sharpness", sharp),))
    corr = _corr(ref, obs)
    if corr < lim.moved_corr_ratio * base.corr:
        why = f"moved: structure matches the reference at {corr:.2f} (healthy >= {base.corr:.2f})"
        return Verdict("moved", why, (("corr", corr), ("healthy_corr", base.corr)))
    figures = (("sharpness", sharp), ("covered", covered), ("corr", corr))
    return Verdict(None, "", figures)
