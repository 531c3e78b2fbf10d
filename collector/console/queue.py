"""The duty chief's queue: open tickets the user may see, filtered, sorted by urgency, with the
SLA light and due time (the page counts down), kept live by server-sent events."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import sqlite_utils
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sse_starlette import EventSourceResponse

from collector.api.deps import connect
from collector.config.models import CenterConfig
from collector.console.web import ConsoleDb, User, center_of, need, render
from collector.tickets import Sla, Ticket, list_tickets, sla
from collector.tickets.permissions import Right, can_see
from collector.tickets.watch import tickets_version
from collector.tickets.workflow import FINAL

__all__ = ["router", "QueueFilter", "QueueRow", "queue_rows", "store_version"]

router = APIRouter(prefix="/console")
Viewer = Annotated[User, Depends(need(Right.VIEW_QUEUE))]
_LIGHT_RANK = {"red": 0, "yellow": 1, "green": 2, "none": 3}
_LEVEL_RANK = {"critical": 0, "warning": 1, "advisory": 2}
_FAR = datetime.max.replace(tzinfo=UTC)
SSE_POLL_S = 1.0
SSE_LIFETIME_S = 1800.0  # the browser reconnects by itself; no stream lives forever


@dataclass(frozen=True)
class QueueFilter:
    state: str | None = None
    cell: str | None = None
    unit: str | None = None
    category: str | None = None
    level: str | None = None

    def query(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.__dict__.items() if v)


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    sla: Sla
    critical: bool

    def urgency(self) -> tuple[int, int, int, datetime, int, datetime]:
        t = self.ticket
        return (
            0 if self.critical else 1,
            _LIGHT_RANK.get(self.sla.light, 3),
            _LEVEL_RANK.get(t.level or "", 3),
            t.due_at or _FAR,
            -t.priority,
            t.received_at,
        )


def _critical(t: Ticket, center: CenterConfig) -> bool:
    """A critical crowd: the level is critical and the category files crowd incidents."""
    cat = next((c for c in center.categories if c.code == t.category), None)
    crowd = cat is not None and any(k.startswith("crowd") for k in cat.incident_kinds)
    return t.level == "critical" and crowd


def queue_rows(
    db: sqlite_utils.Database, center: CenterConfig, user: User, f: QueueFilter, now: datetime
) -> list[QueueRow]:
    """The open tickets ``user`` may see, matching ``f``, most urgent first."""
    unit = f.unit
    if not user.has(Right.VIEW_ALL_UNITS):
        unit = user.unit  # a unit sees only its own tickets, whatever it asks for
    tickets = list_tickets(db, state=f.state, unit=unit, cell=f.cell, category=f.category)
    rows = [
        QueueRow(t, sla(t, now, center), _critical(t, center))
        for t in tickets
        if t.state not in FINAL
        and can_see(user.role, user.unit, t)
        and (not f.level or t.level == f.level)
    ]
    return sorted(rows, key=QueueRow.urgency)


def _filter(
    state: str | None, cell: str | None, unit: str | None, category: str | None, level: str | None
) -> QueueFilter:
    return QueueFilter(*(v or None for v in (state, cell, unit, category, level)))


_Q = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_.-]*$")]


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    db: ConsoleDb,
    user: Viewer,
    state: _Q = None,
    cell: _Q = None,
    unit: _Q = None,
    category: _Q = None,
    level: _Q = None,
) -> Response:
    center = center_of(db)
    f = _filter(state, cell, unit, category, level)
    version = store_version(db)  # before reading: a change in between is announced again
    rows = queue_rows(db, center, user, f, datetime.now(UTC))
    return render(request, "queue.html", user, rows=rows, f=f, center=center, version=version)


@router.get("/queue/rows", response_class=HTMLResponse)
def queue_fragment(
    request: Request,
    db: ConsoleDb,
    user: Viewer,
    state: _Q = None,
    cell: _Q = None,
    unit: _Q = None,
    category: _Q = None,
    level: _Q = None,
) -> Response:
    """The queue's rows alone (the page swaps them in when the store changed)."""
    center = center_of(db)
    f = _filter(state, cell, unit, category, level)
    rows = queue_rows(db, center, user, f, datetime.now(UTC))
    return render(request, "_rows.html", user, rows=rows, f=f, center=center)


def store_version(db: sqlite_utils.Database) -> str:
    """Changes whenever a ticket or an incident event changes (what the queue shows)."""
    return tickets_version(db)


def _version_of(path: str) -> str:
    db = connect(path)
    try:
        return store_version(db)
    finally:
        db.close()


@router.get("/events")
async def events(request: Request, user: Viewer) -> EventSourceResponse:
    """Server-sent events: ``changed`` each time the store's version moves."""
    path = request.app.state.settings.db

    async def stream() -> AsyncIterator[dict[str, str]]:
        last = ""
        end = time.monotonic() + SSE_LIFETIME_S
        while time.monotonic() < end and not await request.is_disconnected():
            version = await asyncio.to_thread(_version_of, path)
            if version != last:
                last = version
                yield {"event": "changed", "data": version}
            await asyncio.sleep(SSE_POLL_S)

    return EventSourceResponse(stream(), ping=15)
