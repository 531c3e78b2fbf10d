"""Registration of an observation to its reference, and the view-health checks behind tamper.

All pure functions of grayscale ``uint8`` images of the same size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = [
    "IDENTITY",
    "Registration",
    "ViewHealth",
    "register",
    "warp_to_reference",
    "view_health",
    "textured",
]

_ECC_SIDE = 384  # registration runs on a copy of at most this many pixels on its longer side
_GRID = 8  # cells per side for the edge-loss check


@dataclass(frozen=True)
class Registration:
    """Euclidean warp mapping reference pixels to observation pixels (full resolution).

    ``ok`` is False when ECC did not converge or its correlation is below the floor.
    """

    ok: bool
    warp: np.ndarray  # 2x3 float32
    correlation: float
    shift_px: float
    rotation_deg: float


def _small(gray: np.ndarray) -> tuple[np.ndarray, float]:
    scale = min(1.0, _ECC_SIDE / max(gray.shape[:2]))
    if scale == 1.0:
        return gray, 1.0
    size = (round(gray.shape[1] * scale), round(gray.shape[0] * scale))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA), scale


def _band_pass(gray: np.ndarray) -> np.ndarray:
    """Log image (gain-free), band-passed: keeps texture, drops soft shadows and vignetting."""
    lg = np.log(gray.astype(np.float32) / 255.0 + 0.03)
    return cv2.GaussianBlur(lg, (0, 0), 1.0) - cv2.GaussianBlur(lg, (0, 0), 6.0)


IDENTITY = Registration(True, np.eye(2, 3, dtype=np.float32), 1.0, 0.0, 0.0)


def register(reference: np.ndarray, observation: np.ndarray, min_corr: float) -> Registration:
    """ECC (``cv2.findTransformECC``, Euclidean) of ``observation`` onto ``reference``, on
    band-passed log images. ``ok`` is False when it does not converge or correlates poorly."""
    ref, scale = _small(reference)
    obs, _ = _small(observation)
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-6)
    try:
        corr, warp = cv2.findTransformECC(
            _band_pass(ref), _band_pass(obs), warp, cv2.MOTION_EUCLIDEAN, criteria, None, 1
        )
    except cv2.error:
        return Registration(False, np.eye(2, 3, dtype=np.float32), 0.0, math.inf, 0.0)
    warp = warp.astype(np.float32)
    warp[:, 2] /= scale
    shift = float(math.hypot(warp[0, 2], warp[1, 2]))
    rot = float(math.degrees(math.atan2(warp[1, 0], warp[0, 0])))
    ok = bool(np.isfinite(corr) and corr >= min_corr)
    return Registration(ok, warp, float(corr), shift, rot)


def warp_to_reference(observation: np.ndarray, reg: Registration) -> tuple[np.ndarray, np.ndarray]:
    """The observation resampled onto the reference grid, and a ``bool`` mask of valid pixels."""
    h, w = observation.shape[:2]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    out = cv2.warpAffine(observation, reg.warp, (w, h), flags=flags, borderMode=cv2.BORDER_REFLECT)
    ones = np.full((h, w), 255, np.uint8)
    valid = cv2.warpAffine(ones, reg.warp, (w, h), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
    valid = cv2.erode(valid, np.ones((5, 5), np.uint8))
    return out, valid > 0


@dataclass(frozen=True)
class ViewHealth:
    """How much of the reference's texture is gone, and how sharp the view is relative to it."""

    edges_lost: float  # share of textured reference cells whose edges vanished
    sharpness_ratio: float  # observation sharpness / reference sharpness


def _log_gradient(gray: np.ndarray) -> np.ndarray:
    lg = np.log(gray.astype(np.float32) / 255.0 + 0.03)
    lg = cv2.GaussianBlur(lg, (5, 5), 1.0)
    return cv2.magnitude(cv2.Sobel(lg, cv2.CV_32F, 1, 0), cv2.Sobel(lg, cv2.CV_32F, 0, 1))


def _cells(a: np.ndarray) -> np.ndarray:
    return cv2.resize(a, (_GRID, _GRID), interpolation=cv2.INTER_AREA)


def _sharpness(gray: np.ndarray) -> float:
    """Fine detail over coarse contrast: falls when the lens defocuses, not when light dims."""
    g = gray.astype(np.float32)
    fine = float(np.mean(np.abs(cv2.Laplacian(g, cv2.CV_32F, ksize=3))))
    coarse_img = cv2.GaussianBlur(g, (0, 0), 3.0)
    coarse = cv2.magnitude(
        cv2.Sobel(coarse_img, cv2.CV_32F, 1, 0), cv2.Sobel(coarse_img, cv2.CV_32F, 0, 1)
    )
    return fine / (float(np.mean(coarse)) + 1e-3)


def view_health(reference: np.ndarray, observation: np.ndarray) -> ViewHealth:
    """Edge loss per grid cell (covered / blocked lens) and relative sharpness (defocus)."""
    ref_cells = _cells(_log_gradient(reference))
    obs_cells = _cells(_log_gradient(observation))
    textured = ref_cells > max(0.02, float(np.percentile(ref_cells, 25)) * 0.5)
    lost = textured & (obs_cells < 0.3 * ref_cells)
    edges_lost = float(lost.sum() / max(int(textured.sum()), 1))
    ratio = _sharpness(observation) / max(_sharpness(reference), 1e-6)
    return ViewHealth(edges_lost, float(ratio))


def textured(gray: np.ndarray, floor: float = 0.04) -> np.ndarray:
    """``bool`` mask of pixels with visible structure (log-gradient above ``floor``)."""
    return _log_gradient(gray) > floor
