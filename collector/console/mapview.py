"""The grid map as SVG, drawn from the imported GeoJSON (no online tiles): each cell coloured by
its open tickets and their highest level, the cameras as dots, a click opens the cell's queue."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import sqlite_utils
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from collector.console.patrol_page import today_patrol
from collector.console.queue import QueueFilter, queue_rows
from collector.console.web import ConsoleDb, User, center_of, need, render
from collector.grid.mapfile import parse_grid
from collector.tickets.permissions import Right

__all__ = ["router", "MapCell", "draw_cells"]

router = APIRouter(prefix="/console")
Viewer = Annotated[User, Depends(need(Right.VIEW_MAP))]
WIDTH = 960.0
_RANK = {"advisory": 1, "warning": 2, "critical": 3}
_FILL = {0: "#e8f1e4", 1: "#fff3b0", 2: "#ffb74d", 3: "#e53935"}


@dataclass(frozen=True)
class MapCell:
    code: str
    name: str
    points: str
    label_x: float
    label_y: float
    name_y: float  # the cell's name near its top edge, clear of the camera dots
    open_tickets: int
    level: str | None
    fill: str


def _grid(db: sqlite_utils.Database) -> dict:
    rows = list(db.query("SELECT body FROM center_config WHERE name = 'grid'"))
    return json.loads(rows[0]["body"]) if rows else {"type": "FeatureCollection", "features": []}


class Projection:
    """lon/lat to SVG pixels: equirectangular, x scaled by cos(latitude) (a town is small)."""

    def __init__(self, rings: list[tuple[tuple[float, float], ...]]):
        xs = [x for r in rings for x, _ in r]
        ys = [y for r in rings for _, y in r]
        self.x0, self.y1 = min(xs), max(ys)
        self.k = math.cos(math.radians((min(ys) + max(ys)) / 2))
        span = max((max(xs) - self.x0) * self.k, 1e-9)
        self.scale = WIDTH / span
        self.height = (max(ys) - min(ys)) * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.x0) * self.k * self.scale, (self.y1 - lat) * self.scale


def draw_cells(
    db: sqlite_utils.Database, user: User, now: datetime
) -> tuple[list[MapCell], list[tuple[str, float, float]], float]:
    """The cells to draw, the cameras (id, x, y) and the drawing's height."""
    cells = parse_grid(_grid(db))
    if not cells:
        return [], [], 0.0
    center = center_of(db)
    per_cell: dict[str, list[str | None]] = {}
    for row in queue_rows(db, center, user, QueueFilter(), now):
        per_cell.setdefault(row.ticket.grid_cell, []).append(row.ticket.level)
    proj = Projection([c.ring for c in cells])
    out = []
    for c in cells:
        pts = [proj(x, y) for x, y in c.ring]
        levels = per_cell.get(c.code, [])
        rank = max((_RANK.get(lv or "", 1) for lv in levels), default=0)
        level = next((k for k, v in _RANK.items() if v == rank), None) if levels else None
        out.append(
            MapCell(
                c.code,
                c.name,
                " ".join(f"{x:.1f},{y:.1f}" for x, y in pts),
                sum(p[0] for p in pts[:-1]) / (len(pts) - 1),
                sum(p[1] for p in pts[:-1]) / (len(pts) - 1),
                min(p[1] for p in pts) + 20,
                len(levels),
                level,
                _FILL[rank],
            )
        )
    cams = [(cam.id, *proj(cam.location[0], cam.location[1])) for cam in center.cameras]
    return out, cams, proj.height


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, db: ConsoleDb, user: Viewer) -> Response:
    cells, cameras, height = draw_cells(db, user, datetime.now(UTC))
    return render(
        request,
        "map.html",
        user,
        cells=cells,
        cameras=cameras,
        width=WIDTH,
        height=height,
        patrol=today_patrol(db, user),  # each cell with watched places links to its patrol
    )
