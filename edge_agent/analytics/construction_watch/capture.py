"""Capture a reference from a video or camera: the library behind ``edge-agent baseline``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from edge_agent.analytics.construction_watch.background import (
    Lighting,
    lighting_of,
    masked_median,
    to_gray,
    transient_mask,
)
from edge_agent.analytics.construction_watch.reference import Reference, ReferenceStore
from edge_agent.analytics.construction_watch.watch import WHOLE_FRAME_ZONE
from edge_agent.config.models import AgentConfig, CameraConfig, DecodeMode, ZoneConfig, ZoneKind
from edge_agent.detections import Detections
from edge_agent.errors import BaselineError, SourceError
from edge_agent.ingest.source import open_source, redact_url

__all__ = ["CaptureRequest", "watch_zones", "sample_frames", "capture"]

#: Finds people and vehicles in a BGR image (a detector's ``detect``), or None for no masks.
Detect = Callable[[np.ndarray], Detections]


@dataclass(frozen=True)
class CaptureRequest:
    """What to capture: ``frames`` frames at least ``spacing_s`` apart (stream time)."""

    camera_id: str
    zone_id: str | None = None  # None: every construction-watch zone (or the whole frame)
    source: str | None = None  # video file or URL; None: the camera's URL
    frames: int = 9
    spacing_s: float = 20.0
    lighting: Lighting | None = None  # None: from the median's brightness
    action: str = "capture"
    who: str | None = None
    note: str | None = None


def watch_zones(cfg: AgentConfig, camera_id: str, zone_id: str | None) -> list[ZoneConfig | None]:
    """The construction-watch zones of a camera (``[None]``: whole frame when it has none)."""
    try:
        camera = cfg.camera(camera_id)
    except KeyError as err:
        raise BaselineError(str(err.args[0])) from None
    zones = [z for z in camera.zones if z.kind is ZoneKind.CONSTRUCTION_WATCH]
    if zone_id is None:
        return list(zones) or [None]
    if zone_id == WHOLE_FRAME_ZONE and not zones:
        return [None]
    for z in zones:
        if z.id == zone_id:
            return [z]
    known = ", ".join(z.id for z in zones) or f"none ({WHOLE_FRAME_ZONE!r} = whole frame)"
    raise BaselineError(f"camera {camera_id!r} has no construction-watch zone {zone_id!r}; {known}")


def sample_frames(
    camera: CameraConfig, source: str, frames: int, spacing_s: float
) -> Iterator[tuple[float, datetime | None, np.ndarray]]:
    """Up to ``frames`` keyframes of ``source`` at least ``spacing_s`` apart, as ``(pts, stream
    time or None, BGR)``.

    Decoded by the agent's own source: RTSP over TCP with the camera's open/read timeouts, so a
    dead camera ends in a :class:`SourceError` rather than a hung command.
    """
    src = open_source(camera, url=source, mode=DecodeMode.KEYFRAMES)
    try:
        src.open()
    except SourceError as err:
        raise SourceError(f"cannot open {redact_url(source)}: {err}") from None
    try:
        last, n = None, 0
        for frame in src.frames():
            if last is not None and frame.pts - last < spacing_s:
                continue
            epoch = src.epoch
            yield frame.pts, epoch + timedelta(seconds=frame.pts) if epoch else None, frame.image
            last, n = frame.pts, n + 1
            if n >= frames:
                return
    finally:
        src.close()


def capture(
    cfg: AgentConfig, req: CaptureRequest, baseline_dir: Path, detect: Detect | None
) -> list[tuple[str, Reference]]:
    """Build one reference (median, transients masked) and store it for each zone asked."""
    zones = watch_zones(cfg, req.camera_id, req.zone_id)
    camera = cfg.camera(req.camera_id)
    source = req.source or camera.url
    images, masks, last_pts, last_at = [], [], 0.0, None
    for pts, at, image in sample_frames(camera, source, req.frames, req.spacing_s):
        objects = detect(image) if detect is not None else Detections.empty()
        images.append(image)
        masks.append(transient_mask(objects, image.shape[1], image.shape[0]))
        last_pts, last_at = pts, at
    if not images:
        raise BaselineError(f"{redact_url(source)}: no frame decoded")
    median = masked_median(images, masks)
    gray = to_gray(median)
    s = cfg.defaults.construction
    bucket = req.lighting or lighting_of(gray, s.dusk_below, s.night_below)
    ref = Reference(median, bucket, last_pts, len(images), float(gray.mean()), taken_at=last_at)
    out = []
    for zone in zones:
        zone_id = zone.id if zone is not None else WHOLE_FRAME_ZONE
        store = ReferenceStore(baseline_dir, req.camera_id, zone_id)
        out.append((zone_id, store.save(ref, req.action, req.who, req.note)))
    return out
