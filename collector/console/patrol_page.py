"""每日巡查 / the daily patrol: a day's watched places per grid cell, their verdicts in colour,
the day's frame beside the reference, missing checks and cameras down flagged. Read by the
center's staff for every cell and by a unit handler for its cells only (checked here, 403)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import sqlite_utils
from fastapi import APIRouter, Depends, Query, Request
from fastapi.params import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from collector.api import queries
from collector.console.web import TZ, ConsoleDb, ConsoleDenied, User, center_of, need, render
from collector.patrol import CellPatrol, day_patrol, evidence_cell, patrol_cells
from collector.tickets.permissions import Right

__all__ = ["router", "readable_cells", "today_patrol"]

router = APIRouter(prefix="/console")
Reader = Annotated[User, Depends(need(Right.VIEW_PATROL))]
_NAME = r"^[A-Za-z0-9_.-]{1,120}$"


def readable_cells(db: sqlite_utils.Database, user: User) -> set[str] | None:
    """The cells ``user`` may read (None: all); 403 when it is none at all."""
    cells = patrol_cells(center_of(db), user.role, user.unit)
    if cells is not None and not cells:
        raise ConsoleDenied(403, "Your unit is responsible for no watched place.")
    return cells


def today_patrol(db: sqlite_utils.Database, user: User) -> list[CellPatrol]:
    """Today's patrol of the cells ``user`` may read (for the map); empty when none."""
    center = center_of(db)
    cells = patrol_cells(center, user.role, user.unit)
    if cells is not None and not cells:
        return []
    return day_patrol(db, center, datetime.now(UTC).astimezone(TZ).date(), cells)


def _day(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).astimezone(TZ).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConsoleDenied(400, "Not a date: {value}", value=text) from None


@router.get("/patrol", response_class=HTMLResponse)
def patrol_page(
    request: Request,
    db: ConsoleDb,
    user: Reader,
    day: Annotated[str | None, Query(max_length=10)] = None,
    cell: Annotated[str | None, Query(pattern=r"^\d{15}$")] = None,
) -> Response:
    cells = readable_cells(db, user)
    if cell is not None and cells is not None and cell not in cells:
        raise ConsoleDenied(403, "You may not read the patrol of this cell.")
    wanted = _day(day)
    shown = {cell} if cell else cells
    patrol = day_patrol(db, center_of(db), wanted, shown)
    return render(
        request,
        "patrol.html",
        user,
        day=wanted,
        before=wanted - timedelta(days=1),
        after=wanted + timedelta(days=1),
        cell=cell,
        cells=patrol,
        flags=sum(c.flags for c in patrol),
    )


@router.get("/patrol/media/{name}")
def patrol_media(
    db: ConsoleDb, user: Reader, name: Annotated[str, PathParam(pattern=_NAME)]
) -> Response:
    """A frame of a patrol record, for whoever may read that record's cell (else 404)."""
    cells = patrol_cells(center_of(db), user.role, user.unit)
    where = evidence_cell(db, name)
    stored = queries.stored_evidence(db, name) if where is not None else None
    if stored is None or (cells is not None and where not in cells):
        raise ConsoleDenied(404, "No such evidence image.")
    return Response(content=stored[1], media_type=stored[0])
