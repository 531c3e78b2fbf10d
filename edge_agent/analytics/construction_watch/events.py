"""Turn tracker and tamper outcomes into contract incidents, with before/after/mask evidence."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import cv2
import numpy as np

from edge_agent.analytics.camera_health.incident import TamperCase, tamper_incident
from edge_agent.analytics.construction_watch.tracker import Track
from edge_agent.contract.incident import (
    EventState,
    Evidence,
    Incident,
    IncidentKind,
    Level,
    iso,
    new_id,
)
from edge_agent.incidents.origin import Origin

__all__ = [
    "EvidenceSink",
    "TamperCase",
    "structure_incident",
    "tamper_incident",
    "crop_box",
]

_PAD = 0.25  # evidence crops show this much context around the box
_STATE = {"open": EventState.OPENED, "grow": EventState.UPDATED, "clear": EventState.CLEARED}


class EvidenceSink(Protocol):
    """What :class:`edge_agent.incidents.evidence.EvidenceStore` offers."""

    def save(self, incident_id: str, seq: int, role: str, image: np.ndarray) -> Evidence: ...


def crop_box(bbox: tuple[int, int, int, int], width: int, height: int) -> tuple[int, ...]:
    """``bbox`` grown by a margin, clipped to the frame."""
    x1, y1, x2, y2 = bbox
    dx, dy = int((x2 - x1) * _PAD) + 8, int((y2 - y1) * _PAD) + 8
    return max(0, x1 - dx), max(0, y1 - dy), min(width, x2 + dx), min(height, y2 + dy)


def _evidence(
    sink: EvidenceSink | None, incident_id: str, seq: int, images: dict[str, np.ndarray]
) -> tuple[Evidence, ...]:
    if sink is None:
        return ()
    return tuple(sink.save(incident_id, seq, role, img) for role, img in images.items())


def structure_incident(
    where: Origin,
    tr: Track,
    action: str,
    observed: tuple[datetime, float],
    pictures: tuple[np.ndarray, np.ndarray, np.ndarray],
    sink: EvidenceSink | None,
    *,
    scale: float = 1.0,
) -> Incident:
    """One ``construction_change`` event for a track (``open``, ``grow`` or ``clear``).

    ``pictures`` = (reference BGR, aligned observation BGR, full-frame ``bool`` mask), on the
    analysis grid; ``scale`` = analysis pixels per frame pixel (boxes are reported in frame
    pixels).
    """
    at, pts = observed
    if tr.incident_id is None:
        tr.incident_id, tr.seq = new_id(), 0
    else:
        tr.seq += 1
    metrics: dict[str, object] = {
        "bbox": [round(v / scale, 1) for v in tr.bbox],
        "first_seen_at": iso(tr.first_at),
        "area_px": int(tr.extra["area_px"]),  # type: ignore[call-overload]
        "area_m2": tr.extra.get("area_m2"),
        "reason": {
            "open": f"new structure seen in {tr.hits} observations over "
            f"{(tr.last_pts - tr.first_pts) / 60:.0f} min",
            "grow": "structure grew",
            "clear": "structure no longer visible",
        }[action],
    }
    images = _crops(tr.bbox, pictures) if action != "clear" else {}
    return Incident(
        id=tr.incident_id,
        seq=tr.seq,
        **where.ids(),
        kind=IncidentKind.CONSTRUCTION_CHANGE,
        level=Level.WARNING,
        state=_STATE[action],
        started_at=tr.first_at,
        observed_at=at,
        metrics=metrics,
        evidence=_evidence(sink, tr.incident_id, tr.seq, images),
        stream_pts=pts,
    )


def _crops(
    bbox: tuple[int, int, int, int], pictures: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> dict[str, np.ndarray]:
    """Before, after (the box drawn) and mask, cropped around the structure."""
    before, after, mask = pictures
    x1, y1, x2, y2 = crop_box(bbox, before.shape[1], before.shape[0])
    overlay = after[y1:y2, x1:x2].copy()
    top_left, bottom_right = (bbox[0] - x1, bbox[1] - y1), (bbox[2] - x1, bbox[3] - y1)
    cv2.rectangle(overlay, top_left, bottom_right, (0, 0, 255), 2)
    return {
        "before": before[y1:y2, x1:x2],
        "after": overlay,
        "mask": (mask[y1:y2, x1:x2] * 255).astype(np.uint8),
    }
