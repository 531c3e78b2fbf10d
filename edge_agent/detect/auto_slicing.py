"""``slicing: auto``: tile only where it pays — a frame much larger than the network input, with
people small in it — and say what was chosen and what it costs.

Rules (checked in order, one camera at a time, the stream's timestamps as the clock):

=================================================  ==========================================
condition                                          choice
=================================================  ==========================================
frame long side < ``MIN_GAIN`` x network input     off, for good (tiles add no detail)
nobody found, whole frame or tiles                 whole frame; probe again ``PROBE_EVERY_S``,
                                                   twice as long after each empty probe (up to
                                                   ``RECHECK_S``), at once when a plain
                                                   detection finds someone
median person < ``SMALL_PX`` in the network's view  tiles
tiles find ``MORE_FACTOR``x (and +2) more people    tiles
otherwise                                          off
=================================================  ==========================================

A probe runs the whole frame and the tiles on the same frame (its cost is counted in that
frame's timings); the decision stands for ``RECHECK_S`` of stream time, then is probed again,
since a lane's crowd changes over a day. An empty lane backs its probes off: a probe costs the
whole frame and every tile (8 runs of the SSD on a 768x432 frame), more than a quiet camera's
analyses of that half minute, and a night of empty lanes probed every 30 s spent most of a
box's detector on tiles of nobody.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from edge_agent.config.models import SlicingConfig
from edge_agent.detections import Detections

__all__ = ["SlicingChoice", "SlicingPlan", "SlicingSetting", "auto_tile_side", "network_side"]

log = logging.getLogger(__name__)

SlicingSetting = SlicingConfig | Literal["auto", "off"] | None

MIN_GAIN = 1.5  # frame long side / network input below this: a tile sees hardly more pixels
SMALL_PX = 40.0  # median person height in the network's input pixels below this: "small"
MORE_FACTOR = 1.3
PROBE_EVERY_S = 30.0
RECHECK_S = 600.0
DEFAULT_NETWORK_SIDE = 416  # a detector that does not say (a fake) is taken for YOLOX's


class _Detector(Protocol):
    @property
    def last_timings(self) -> dict[str, float]: ...

    def detect(self, image: np.ndarray, slicing: SlicingConfig | None = None) -> Detections: ...


@dataclass(frozen=True)
class SlicingChoice:
    """What a camera's frames run now, why, and the measured cost per frame."""

    mode: Literal["off", "tiles", "probing"]
    slicing: SlicingConfig | None
    reason: str
    whole_ms: float | None = None
    tiled_ms: float | None = None
    decided_pts: float | None = None

    def describe(self) -> str:
        what = f"tiles {self.slicing.tile} px" if self.slicing else "whole frame"
        cost = ""
        if self.whole_ms is not None and self.tiled_ms is not None:
            cost = f"; cost whole frame {self.whole_ms:.1f} ms, tiles {self.tiled_ms:.1f} ms"
        at = "" if self.decided_pts is None else f" (at {self.decided_pts:.1f} s)"
        return f"{self.mode}: {what}{at}: {self.reason}{cost}"


def network_side(detector: object) -> int:
    """Long side of the detector's network input (its adapter's ``size``)."""
    size = getattr(getattr(detector, "adapter", None), "size", None)
    return int(max(size)) if size else DEFAULT_NETWORK_SIDE


def auto_tile_side(net: int) -> int:
    """Tiles as large as the network input (native pixels in), between 320 and 640."""
    return int(min(max(net, 320), 640))


def _median_height_px(dets: Detections, scale: float) -> float | None:
    if not len(dets):
        return None
    return float(np.median(dets.xyxy[:, 3] - dets.xyxy[:, 1]) * scale)


class SlicingPlan:
    """One camera's slicing setting turned into what each frame runs.

    Example:
        >>> SlicingPlan("off", 416).choice.mode
        'off'
    """

    def __init__(self, setting: SlicingSetting, net_side: int, camera_id: str = "") -> None:
        self.camera_id = camera_id
        self.net_side = net_side
        self.auto = setting == "auto"
        self.tiles = SlicingConfig(tile=auto_tile_side(net_side))
        self._next_probe: float | None = None
        self._empty_probes = 0
        if isinstance(setting, SlicingConfig):
            self.choice = SlicingChoice("tiles", setting, "configured")
        elif self.auto:
            self.choice = SlicingChoice("probing", None, "auto: not decided yet")
        else:
            self.choice = SlicingChoice("off", None, "configured")

    def probes_at(self, pts: float) -> bool:
        """Whether the frame at ``pts`` is a probe (two passes), not a plain detection with
        :attr:`choice` (which several cameras' frames may share in one batch)."""
        return self.auto and (self._next_probe is None or pts >= self._next_probe)

    def detect(
        self, detector: _Detector, image: np.ndarray, pts: float
    ) -> tuple[Detections, dict[str, float]]:
        """Boxes for this frame and the stage seconds it took (a probe's both passes)."""
        if self.probes_at(pts):
            return self._probe(detector, image, pts)
        found = detector.detect(image, self.choice.slicing)
        self.seen(pts, found)
        return found, dict(detector.last_timings)

    def seen(self, pts: float, found: Detections) -> None:
        """A plain detection's result: someone in an empty lane is probed on the next frame."""
        if self.auto and self.choice.mode == "probing" and len(found):
            self._next_probe = pts

    def _probe(
        self, detector: _Detector, image: np.ndarray, pts: float
    ) -> tuple[Detections, dict[str, float]]:
        height, width = image.shape[:2]
        long_side = max(width, height)
        gain = long_side / self.net_side
        if gain < MIN_GAIN:
            self.auto = False
            why = f"frame {width}x{height} is only {gain:.1f}x the network input {self.net_side}"
            self._set(SlicingChoice("off", None, why + ": tiles add no detail", decided_pts=pts))
            found = detector.detect(image, None)
            return found, dict(detector.last_timings)
        whole = detector.detect(image, None)
        whole_t = dict(detector.last_timings)
        tiled = detector.detect(image, self.tiles)
        tiled_t = dict(detector.last_timings)
        timings = {k: whole_t.get(k, 0.0) + tiled_t.get(k, 0.0) for k in whole_t | tiled_t}
        cost = {"whole_ms": sum(whole_t.values()) * 1000, "tiled_ms": sum(tiled_t.values()) * 1000}
        choice = self._decide(whole, tiled, long_side, pts, cost)
        self._empty_probes = self._empty_probes + 1 if choice.mode == "probing" else 0
        wait = PROBE_EVERY_S * 2 ** (self._empty_probes - 1) if self._empty_probes else RECHECK_S
        self._next_probe = pts + min(wait, RECHECK_S)
        self._set(choice)
        return (tiled if choice.mode == "tiles" else whole), timings

    def _decide(
        self,
        whole: Detections,
        tiled: Detections,
        long_side: int,
        pts: float,
        cost: dict[str, float],
    ) -> SlicingChoice:
        counts = f"whole frame found {len(whole)}, tiles {len(tiled)}"
        if not len(whole) and not len(tiled):
            why = f"nobody in view yet ({counts})"
            return SlicingChoice("probing", None, why, decided_pts=pts, **cost)
        # the tiles see the small people the whole frame misses: their sizes are the honest ones
        sample = tiled if len(tiled) >= len(whole) else whole
        median = _median_height_px(sample, self.net_side / long_side) or 0.0
        small = median < SMALL_PX
        more = len(tiled) >= max(len(whole) + 2, MORE_FACTOR * len(whole))
        reason = (
            f"median person {median:.0f} px in the network's {self.net_side} px input"
            f"{' (small)' if small else ''}; {counts}{' (more)' if more else ''}"
        )
        if small or more:
            return SlicingChoice("tiles", self.tiles, reason, decided_pts=pts, **cost)
        return SlicingChoice("off", None, reason, decided_pts=pts, **cost)

    def _set(self, choice: SlicingChoice) -> None:
        if (choice.mode, choice.slicing) != (self.choice.mode, self.choice.slicing):
            log.info("%s: slicing auto -> %s", self.camera_id or "camera", choice.describe())
        self.choice = choice
