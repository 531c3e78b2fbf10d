"""Receiving a case by hand (patrol, citizen, hotline): the duty chief or a dispatcher files it;
it enters the queue in state ``received`` like a camera's incident."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from collector.console.labels import SOURCES
from collector.console.web import ConsoleDb, ConsoleDenied, User, center_of, checked_form, need
from collector.tickets.desk import Actor, CaseReport, receive_case
from collector.tickets.permissions import Right

__all__ = ["router", "MAX_TITLE"]

router = APIRouter(prefix="/console")
Receiver = Annotated[User, Depends(need(Right.RECEIVE))]
Form = Annotated[FormData, Depends(checked_form)]
MAX_TITLE = 200
_BY_HAND = ("patrol", "citizen", "hotline")


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.post("/tickets/new")
def new_case(request: Request, db: ConsoleDb, user: Receiver, form: Form) -> Response:
    center = center_of(db)
    category, cell, title = _field(form, "category"), _field(form, "cell"), _field(form, "title")
    source = _field(form, "source")
    if category not in {c.code for c in center.categories}:
        raise ConsoleDenied(400, "Unknown category {code}.", code=category)
    if cell not in center.cells:
        raise ConsoleDenied(400, "Unknown grid cell {code}.", code=cell)
    if not 0 < len(title) <= MAX_TITLE:
        raise ConsoleDenied(400, "Describe the case in 1 to {n} characters.", n=MAX_TITLE)
    if source not in _BY_HAND or source not in SOURCES:
        raise ConsoleDenied(400, "Unknown source {source}.", source=source)
    case = CaseReport(category, cell, title, source=source, urgent=form.get("urgent") == "on")
    ticket = receive_case(db, Actor(user.id, user.role, datetime.now(UTC)), case)
    return RedirectResponse(f"/console/tickets/{ticket.id}", status_code=303)
