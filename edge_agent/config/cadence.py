"""Config of how often a camera is analysed (adaptive cadence, change gating) and of batching.

Kept apart from ``models.py`` because these keys tune cost, not what is detected: a box that
never sets them analyses as the defaults below say. Stream seconds everywhere, never wall time.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from edge_agent.config.strict import Strict

__all__ = ["CadenceSettings", "BatchSettings"]


class CadenceSettings(Strict):
    """When a camera's keyframe goes to the detector (the table in ``analytics/cadence.py``).

    Busy (a zone at ``near_fraction`` of its advisory level or above, rising by
    ``rising_fraction`` of it since the last analysis, or alarmed): every keyframe that changed.
    Quiet (every zone below that and flat): every ``quiet_every_s`` (longer, up to ``max_age_s``,
    the farther below busy), or at once when the picture changed as much as enough people to make
    it busy would change it (at least ``wake_fraction``). Change gating: a keyframe whose
    downscaled grey picture hardly differs from the last analysed one keeps that one's detections
    (marked carried), but never for longer than ``max_age_s``.
    """

    adaptive: bool = Field(
        True, description="Analyse quiet cameras seldom, busy ones each keyframe."
    )
    quiet_every_s: float = Field(
        5.0,
        gt=0,
        le=600,
        description="Stream s between analyses while every zone is quiet (the shortest: "
        "longer up to max_age_s the farther below busy).",
    )
    near_fraction: float = Field(
        0.5, gt=0, le=1, description="A zone at this share of its advisory level is busy."
    )
    rising_fraction: float = Field(
        0.2, gt=0, le=1, description="A rise of this share of advisory since the last is busy."
    )
    gate: bool = Field(True, description="Skip inference on a keyframe that hardly changed.")
    gate_side: int = Field(64, ge=8, le=512, description="Longer side of the compared thumbnail.")
    gate_pixel_delta: int = Field(
        16, ge=1, le=255, description="Grey-level step at which a thumbnail pixel counts changed."
    )
    gate_changed_fraction: float = Field(
        0.004, ge=0, lt=1, description="Share of changed thumbnail pixels below which it is gated."
    )
    wake_fraction: float = Field(
        0.02,
        gt=0,
        le=1,
        description="A quiet camera with nobody counted whose thumbnail changed this much is "
        "analysed at once (with people counted: as much as enough more to make it busy).",
    )
    max_age_s: float = Field(
        10.0, gt=0, le=3600, description="Detections are never older than this (stream s)."
    )
    # 2: a quiet camera's reader then decodes every other keyframe on the shared clips (1 s
    # apart), about 1.7 of its 5.8 milli-cores; arrivals are seen at most this much later.
    quiet_look_every_s: float = Field(
        2.0,
        ge=0,
        le=600,
        description="Stream s between the keyframes of a quiet camera that are decoded at all "
        "(the others are not looked at; 0: every keyframe).",
    )

    @model_validator(mode="after")
    def _quiet_within_age(self) -> CadenceSettings:
        if self.quiet_every_s > self.max_age_s:
            raise ValueError(
                f"quiet_every_s ({self.quiet_every_s:g}) must not exceed max_age_s "
                f"({self.max_age_s:g}): detections would be staler than the maximum age"
            )
        return self


class BatchSettings(Strict):
    """Frames of several cameras sent to the shared model session as one run."""

    # 2: `edge-agent models time --batch 1,2,4,8` on the SSD graph here gave 39.2 / 42.9 / 41.2 /
    # 36.2 frames/s (1 thread) and 15.6 / 15.8 / 15.6 / 17.4 (2 threads, busy machine): no size
    # gains beyond the noise, and a larger batch only delays the first camera of it.
    max_size: int = Field(
        2, ge=1, le=64, description="Most frames in one inference (1: one frame at a time)."
    )
    deadline_ms: float = Field(
        20.0, ge=0, le=1000, description="Longest wait for more frames before running a batch."
    )
