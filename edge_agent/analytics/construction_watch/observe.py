"""One observation: view health, registration, structural comparison, candidate regions.

Pure apart from running the comparator model; no state, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge_agent.analytics.construction_watch.align import (
    IDENTITY,
    Registration,
    log_gradient,
    register,
    textured,
    warp_to_reference,
)
from edge_agent.analytics.construction_watch.background import to_gray
from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.analytics.construction_watch.regions import binarize, find_regions
from edge_agent.analytics.construction_watch.tracker import Sighting
from edge_agent.config.models import ConstructionSettings, ZoneConfig
from edge_agent.zones.geometry import GroundPlane, PolygonZone

__all__ = ["ZoneView", "Context", "Observation", "analyse", "tamper_reason", "measure"]

_MIN_PX_CALIBRATED = 50  # with a calibration the m2 floor rules; this only drops specks
_SEAM = np.ones((9, 9), np.uint8)
_PREFER_STILL = 0.03  # share of changed structure a warp must save to be preferred to none
# The change map spills past a new edge by the blur and window of the comparator (a band about
# 6 px wide on each side of an outline); two pixels of erosion take back part of it. Measured
# area error on the scenarios of tests/edge_agent/analytics/construction_watch/test_scenarios.py: -23 % to +20 %.
_SPREAD = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))


@dataclass(frozen=True)
class ZoneView:
    """A zone's geometry on the analysis grid: mask, crop bounds, ground plane (or None).

    ``scale`` = analysis pixels per frame pixel (frames larger than ``analysis_max_side`` are
    analysed shrunk); polygon and calibration, given in frame pixels, are scaled to match.
    """

    mask: np.ndarray  # bool, analysis size
    bounds: tuple[int, int, int, int]  # x1, y1, x2, y2 (exclusive), clipped to the image
    ground: GroundPlane | None
    scale: float = 1.0

    @classmethod
    def build(cls, zone: ZoneConfig | None, width: int, height: int, scale: float) -> ZoneView:
        """Geometry for an analysis image of ``width`` x ``height``."""
        if zone is None:
            return cls(np.ones((height, width), bool), (0, 0, width, height), None, scale)
        poly = PolygonZone.from_points(np.asarray(zone.polygon, np.float32) * scale)
        x1, y1, x2, y2 = poly.bounds()
        bounds = (max(0, x1), max(0, y1), min(width, x2 + 1), min(height, y2 + 1))
        ground = None
        if zone.calibration is not None:
            cal = zone.calibration
            pts = [(x * scale, y * scale) for x, y in cal.image_points]
            ground = GroundPlane.from_points(pts, cal.ground_points_m)
        return cls(poly.mask(width, height) > 0, bounds, ground, scale)


@dataclass(frozen=True)
class Context:
    view: ZoneView
    settings: ConstructionSettings
    comparator: Comparator


@dataclass(frozen=True)
class Observation:
    """What one observation found: a tamper reason, or the aligned view and its sightings."""

    tamper: str | None
    aligned: np.ndarray | None = None  # BGR, on the reference grid
    aligned_gray: np.ndarray | None = None
    sightings: tuple[Sighting, ...] = ()


def _changed_share(ref: np.ndarray, obs: np.ndarray, regs: list[Registration], ctx: Context):
    """For each registration: the share of textured pixels that still differ after warping
    (on half-size copies, one comparator run)."""
    size = (max(8, ref.shape[1] // 2), max(8, ref.shape[0] // 2))
    r = cv2.resize(ref, size, interpolation=cv2.INTER_AREA)
    o_half = cv2.resize(obs, size, interpolation=cv2.INTER_AREA)
    r_textured = textured(r)
    pairs, masks = [], []
    for reg in regs:
        half = Registration(reg.ok, reg.warp.copy(), reg.correlation, reg.shift_px, 0.0)
        half.warp[:, 2] /= 2
        o, valid = warp_to_reference(o_half, half)
        pairs.append((r, o))
        masks.append(valid & (r_textured | textured(o)))
    maps = ctx.comparator.compare_many(pairs)
    thr = ctx.settings.change_threshold
    pairs_k = zip(maps, masks, strict=True)
    return [float(np.mean(m[k] > thr)) if k.any() else 0.0 for m, k in pairs_k]


def tamper_reason(
    ref_gray: np.ndarray, obs_gray: np.ndarray, ctx: Context
) -> tuple[str | None, Registration]:
    """``(reason or None, registration to use)``: moved as the structure comparison sees it (the
    camera-health checks ran before, on the watch's own frames).

    Registration tries ECC and the identity and keeps the one leaving less structure changed, so a
    textureless view (where ECC is ill-posed) does not count as moved; the camera moved when even
    the best leaves most structure changed, or when the best is a shift beyond the limits.
    """
    s = ctx.settings
    regs = [IDENTITY, *register(ref_gray, obs_gray, s.min_registration_corr)]
    shares = _changed_share(ref_gray, obs_gray, regs, ctx)
    scores = [shares[0] - _PREFER_STILL, *shares[1:]]  # a warp must earn its keep
    best = int(np.argmin(scores))
    if shares[best] > s.moved_fraction:
        return f"moved: {shares[best]:.0%} of the view's structure changed", regs[best]
    reg = regs[best]
    width = ref_gray.shape[1]
    if reg.shift_px > s.max_shift_frac * width or abs(reg.rotation_deg) > s.max_rotation_deg:
        return f"moved: shift {reg.shift_px:.0f} px, rotation {reg.rotation_deg:.1f} deg", reg
    return None, reg


def analyse(
    image: np.ndarray,
    unseen: np.ndarray,
    reference: np.ndarray,
    prev_gray: np.ndarray | None,
    ctx: Context,
) -> Observation:
    """Compare a short-term background ``image`` (BGR) with the ``reference`` (BGR, same size).

    ``unseen``: pixels hidden by people/vehicles in every frame of the background; they take the
    reference's value. ``prev_gray``: the previous observation, aligned, for the stability test.
    """
    s = ctx.settings
    ref_gray = to_gray(reference)
    reason, reg = tamper_reason(ref_gray, to_gray(image), ctx)
    if reason is not None:
        return Observation(reason)
    aligned, valid = warp_to_reference(image, reg)
    hidden, _ = warp_to_reference(unseen.astype(np.uint8), reg)
    fill = ~valid | (hidden > 0)
    aligned[fill] = reference[fill]
    gray = to_gray(aligned)
    x1, y1, x2, y2 = ctx.view.bounds
    crop = (slice(y1, y2), slice(x1, x2))
    pairs = [(ref_gray[crop], gray[crop])]
    if prev_gray is not None:
        pairs.append((prev_gray[crop], gray[crop]))
    maps = ctx.comparator.compare_many(pairs)
    # no verdict where people/vehicles hid the view, nor on the seam of that fill
    seen = ctx.view.mask & (cv2.dilate(hidden, _SEAM) == 0)
    change = np.where(seen[crop], maps[0], 0.0)
    steady = None
    if prev_gray is not None:
        steady = np.zeros(ctx.view.mask.shape, bool)
        steady[crop] = maps[1] <= s.change_threshold
    energy = (log_gradient(ref_gray[crop]) ** 2, log_gradient(gray[crop]) ** 2)
    sightings = _sightings(change, steady, energy, ctx)
    return Observation(None, aligned, gray, tuple(sightings))


def measure(view: ZoneView, mask: np.ndarray) -> tuple[float, dict[str, object]]:
    """Area of a full-frame ``bool`` mask: m2 through the ground plane, else pixels."""
    area_px = round(np.count_nonzero(mask) / view.scale**2)  # in frame pixels
    if view.ground is None:
        return float(area_px), {"area_px": area_px, "area_m2": None}
    area_m2 = view.ground.mask_area_m2(mask)
    return area_m2, {"area_px": area_px, "area_m2": round(area_m2, 2)}


def _sightings(
    change: np.ndarray,
    steady: np.ndarray | None,
    energy: tuple[np.ndarray, np.ndarray],
    ctx: Context,
) -> list[Sighting]:
    """Candidate regions big enough and not removals (a car that left the reference scene loses
    edges; something built adds them)."""
    s, view = ctx.settings, ctx.view
    x1, y1, x2, y2 = view.bounds
    binary = binarize(change, s.change_threshold, s.open_px, s.close_px)
    floor = _MIN_PX_CALIBRATED if view.ground is not None else s.min_area_px
    min_px = max(1, round(floor * view.scale**2))
    out = []
    for region in find_regions(binary, min_px):
        inside = region.mask > 0
        gain = float(energy[1][inside].mean()) / (float(energy[0][inside].mean()) + 1e-6)
        if gain < s.min_edge_gain:
            continue
        full = np.zeros(view.mask.shape, bool)
        full[y1:y2, x1:x2] = cv2.erode(region.mask, _SPREAD) > 0
        value, info = measure(view, full)
        if view.ground is not None and value < s.min_area_m2:
            continue
        rx1, ry1, rx2, ry2 = region.bbox
        bbox = (rx1 + x1, ry1 + y1, rx2 + x1, ry2 + y1)
        out.append(Sighting(full, bbox, value, steady, info))
    return out
