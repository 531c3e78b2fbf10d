"""Registration of an observation to its reference (the view-health checks are camera health's).

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
    "register",
    "warp_to_reference",
    "textured",
    "log_gradient",
]

_ECC_SIDE = 384  # registration runs on a copy of at most this many pixels on its longer side


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


def _ecc(ref: np.ndarray, obs: np.ndarray, start: np.ndarray) -> tuple[float, np.ndarray] | None:
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        corr, warp = cv2.findTransformECC(
            ref,
            obs,
            start.copy(),
            cv2.MOTION_EUCLIDEAN,
            criteria,
            None,
            1,  # type: ignore[call-overload]
        )
    except cv2.error:
        return None
    return (float(corr), warp.astype(np.float32)) if np.isfinite(corr) else None


def _registration(warp: np.ndarray, corr: float, scale: float, ok: bool) -> Registration:
    warp = warp.astype(np.float32).copy()
    warp[:, 2] /= scale
    shift = float(math.hypot(warp[0, 2], warp[1, 2]))
    rot = float(math.degrees(math.atan2(warp[1, 0], warp[0, 0])))
    return Registration(ok, warp, corr, shift, rot)


def register(reference: np.ndarray, observation: np.ndarray, min_corr: float) -> list[Registration]:
    """Candidate warps of ``observation`` onto ``reference``, on band-passed log images: phase
    correlation (translation), and ECC (``cv2.findTransformECC``, Euclidean) started from the
    identity and from that translation. Only converged ECC results above ``min_corr`` and phase
    peaks above a floor are returned; the caller picks among them and the identity."""
    ref, scale = _small(reference)
    obs, _ = _small(observation)
    r, o = _band_pass(ref), _band_pass(obs)
    window = cv2.createHanningWindow((r.shape[1], r.shape[0]), cv2.CV_32F)
    (dx, dy), peak = cv2.phaseCorrelate(r, o, window)
    shifted = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    out = []
    if peak > 0.05:
        out.append(_registration(shifted, float(peak), scale, True))
    for start in (np.eye(2, 3, dtype=np.float32), shifted):
        found = _ecc(r, o, start)
        if found is not None and found[0] >= min_corr:
            out.append(_registration(found[1], found[0], scale, True))
    return out


def warp_to_reference(observation: np.ndarray, reg: Registration) -> tuple[np.ndarray, np.ndarray]:
    """The observation resampled onto the reference grid, and a ``bool`` mask of valid pixels."""
    h, w = observation.shape[:2]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    out = cv2.warpAffine(observation, reg.warp, (w, h), flags=flags, borderMode=cv2.BORDER_REFLECT)
    ones = np.full((h, w), 255, np.uint8)
    valid = cv2.warpAffine(ones, reg.warp, (w, h), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
    valid = cv2.erode(valid, np.ones((5, 5), np.uint8))
    return out, valid > 0


def log_gradient(gray: np.ndarray) -> np.ndarray:
    """Gradient magnitude of the smoothed log image (a gain change does not alter it)."""
    lg = np.log(gray.astype(np.float32) / 255.0 + 0.03)
    lg = cv2.GaussianBlur(lg, (5, 5), 1.0)
    return cv2.magnitude(cv2.Sobel(lg, cv2.CV_32F, 1, 0), cv2.Sobel(lg, cv2.CV_32F, 0, 1))


def textured(gray: np.ndarray, floor: float = 0.04) -> np.ndarray:
    """``bool`` mask of pixels with visible structure (log-gradient above ``floor``)."""
    return log_gradient(gray) > floor
