"""Cameras and boxes: the latest status and metrics each box published (kept by the ingest in
``box_status``), with tamper shown from the open tamper tickets of each camera."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from collector.console.web import ConsoleDb, User, center_of, need, render
from collector.tickets.permissions import Right
from collector.tickets.watch import tampered_cameras

__all__ = ["router", "BoxView", "CameraView", "box_views"]

router = APIRouter(prefix="/console")
Viewer = Annotated[User, Depends(need(Right.VIEW_BOXES))]


@dataclass(frozen=True)
class CameraView:
    id: str
    state: str
    fps: float | None
    dropped: int | None
    detail: str
    tampered: bool


@dataclass(frozen=True)
class BoxView:
    site: str
    box: str
    state: str
    last_seen: datetime | None
    outbox_depth: int | None
    outbox_age_s: float | None
    cameras: list[CameraView]


def _json(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _tampered(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    kinds = {c.code for c in center_of(db).categories if "tamper" in c.incident_kinds}
    return tampered_cameras(db, kinds)


def box_views(db: sqlite_utils.Database) -> list[BoxView]:
    tampered = _tampered(db)
    out = []
    for row in db.query("SELECT * FROM box_status ORDER BY site, box"):
        status, metrics = _json(row["status"]), _json(row["metrics"])
        # metrics come more often; status says online/offline and is retained
        cams = {**status.get("cameras", {}), **metrics.get("cameras", {})}
        if row["state"] in ("offline", "stopped"):
            cams = {k: {**v, "state": "offline"} for k, v in cams.items()}
        seen = [t for t in (row["status_at"], row["metrics_at"]) if t]
        outbox = metrics.get("outbox", {})
        cameras = [
            CameraView(
                cam,
                v.get("state", "unknown"),
                v.get("fps"),
                v.get("dropped_frames"),
                v.get("detail", ""),
                (row["site"], cam) in tampered,
            )
            for cam, v in sorted(cams.items())
        ]
        out.append(
            BoxView(
                row["site"],
                row["box"],
                row["state"] or "unknown",
                datetime.fromisoformat(max(seen)) if seen else None,
                outbox.get("depth"),
                outbox.get("oldest_age_s"),
                cameras,
            )
        )
    return out


@router.get("/boxes", response_class=HTMLResponse)
def boxes_page(request: Request, db: ConsoleDb, user: Viewer) -> Response:
    return render(request, "boxes.html", user, boxes=box_views(db))
