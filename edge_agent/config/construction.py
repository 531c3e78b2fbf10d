"""Settings of the analytics that compare a camera's view with its reference: camera health
(tamper) and the illegal-construction watch.

Kept apart from ``models.py`` (which re-exports both) so the agent's config stays one small
model per concern and module.
"""

from __future__ import annotations

from pydantic import Field

from edge_agent.config.strict import Strict

__all__ = ["CameraHealthSettings", "ConstructionSettings"]


class CameraHealthSettings(Strict):
    """Camera health (tamper): the view compared with its reference every observation.

    Covered (edges lost), defocused (sharpness lost) or moved (structure changed after the best
    alignment) for ``tamper_observations`` observations in a row raises ``tamper``. The
    construction watch checks its own view with the same settings before it looks for
    structures.
    """

    observe_every_s: float = Field(
        900.0, gt=0, description="Stream s between observations (3 of them span persist_min_s)."
    )
    background_frames: int = Field(5, ge=1, le=50, description="Keyframes in the short background.")
    model: str = Field(
        "models/change_structural.onnx",
        description="Change comparator ONNX; models/NAME: the shipped one.",
    )
    analysis_max_side: int = Field(
        960, ge=160, le=8192, description="Larger frames are analysed shrunk to this (px)."
    )
    background_window_s: float = Field(
        60.0, gt=0, description="Keyframes for one observation are collected within this window."
    )
    background_spacing_s: float = Field(1.0, ge=0, description="Min stream s between them.")
    reference_frames: int = Field(9, ge=1, le=60, description="Frames in a reference median.")
    reference_spacing_s: float = Field(20.0, ge=0, description="Min stream s between them.")
    dusk_below: float = Field(70.0, gt=0, le=255, description="Mean gray below this is dusk.")
    night_below: float = Field(30.0, gt=0, le=255, description="Mean gray below this is night.")
    change_threshold: float = Field(0.4, gt=0, lt=1, description="Change-map level that counts.")
    max_shift_frac: float = Field(0.04, gt=0, lt=1, description="Shift (of width) = 'moved'.")
    max_rotation_deg: float = Field(3.0, gt=0, description="Rotation above this = 'moved'.")
    min_registration_corr: float = Field(0.5, gt=0, lt=1, description="ECC below: not trusted.")
    moved_fraction: float = Field(
        0.3, gt=0, le=1, description="Share of textured pixels changed after alignment = moved."
    )
    covered_fraction: float = Field(0.4, gt=0, le=1, description="Share of edges lost = covered.")
    sharpness_ratio: float = Field(0.6, gt=0, lt=1, description="Sharpness drop = defocused.")
    tamper_observations: int = Field(
        2, ge=1, description="Observations in a row before tamper is raised (and cleared)."
    )
    black_below: float = Field(12.0, ge=0, le=255, description="Mean gray below this = black.")
    blank_spread: float = Field(2.5, ge=0, description="Gray std below this = blank (uniform).")
    moved_corr_ratio: float = Field(
        0.15, gt=0, lt=1, description="Structure correlation below this x the healthy one = moved."
    )
    enabled: bool = Field(True, description="Camera health only: false turns it off.")
    every_s: float = Field(10.0, gt=0, description="Camera health only: stream s between checks.")
    frozen_after_s: float = Field(
        60.0, gt=0, description="Camera health only: the same picture this long = frozen."
    )


class ConstructionSettings(CameraHealthSettings):
    """Illegal-construction watch (zones of kind construction_watch): camera health's view
    check, then new structures that persist."""

    background_span_s: float = Field(
        1800.0,
        ge=0,
        description="Sparse input (snapshots): earlier frames this recent fill a background.",
    )
    persist_observations: int = Field(3, ge=1, description="Observations a change must persist.")
    persist_min_s: float = Field(1800.0, ge=0, description="...spanning at least this long.")
    min_area_m2: float = Field(2.0, gt=0, description="Smallest structure reported (calibrated).")
    min_area_px: int = Field(400, ge=1, description="Smallest structure without calibration.")
    open_px: int = Field(7, ge=1, le=51, description="Opening kernel: thinner changes dropped.")
    close_px: int = Field(15, ge=1, le=51, description="Closing kernel: joins one structure.")
    stable_fraction: float = Field(
        0.6, gt=0, le=1, description="Share of a region unchanged since the last observation."
    )
    growth_ratio: float = Field(
        0.4, gt=0, description="Growth of the typical area that updates an incident (noise ~20%)."
    )
    min_edge_gain: float = Field(
        0.8, ge=0, description="Edge energy now/before in a region below this = removal, ignored."
    )
