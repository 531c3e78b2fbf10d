"""A ticket: its timeline (incident events and workflow steps), evidence, cell and linkage
station, and exactly the actions this user may take in this state; the actions' form posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlite_utils
from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from collector.api import queries
from collector.config.models import CenterConfig, Mode
from collector.console.i18n import N_, translator
from collector.console.refusals import show
from collector.console.uploads import photo_path, save_photo
from collector.console.web import (
    ConsoleDb,
    ConsoleDenied,
    User,
    center_of,
    checked_form,
    need,
    render,
)
from collector.errors import GuardFailed, IllegalAction, Message, NotPermitted, TicketNotFound
from collector.tickets import (
    Action,
    Ticket,
    allowed_actions,
    get_ticket,
    route,
    sla,
    ticket_history,
    ticket_timeline,
)
from collector.tickets.desk import Actor, action_args
from collector.tickets.desk import act as desk_act
from collector.tickets.permissions import Right, can_see, refusal
from collector.tickets.sla import budget_for, clock_of, due_time
from collector.tickets.watch import tickets_holding

__all__ = ["router", "upload_dir", "possible_actions"]

router = APIRouter(prefix="/console")
Viewer = Annotated[User, Depends(need(Right.VIEW_QUEUE))]
Form = Annotated[FormData, Depends(checked_form)]
TicketId = Annotated[int, PathParam(ge=1, le=2**62)]
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$"
MAX_NOTE = 2000


def upload_dir(request: Request) -> Path:
    folder = request.app.state.settings.upload_dir
    return Path(folder) if folder else Path(request.app.state.settings.db).parent / "uploads"


def _actor(user: User) -> Actor:
    """The logged-in user as the workflow's actor (resolved again by the desk, in their role)."""
    return Actor(user.id, user.role, datetime.now(UTC))


def possible_actions(
    db: sqlite_utils.Database, t: Ticket, user: User, center: CenterConfig
) -> list[Action]:
    """The actions the table allows in the ticket's state that this user may take."""
    args = action_args(db, center, _actor(user))
    return [a for a in allowed_actions(t.state) if refusal(t, a, args, center) is None]


_PLATFORM_NOTES = [
    (
        re.compile(r"^critical incident: dispatched to all crowd units at once$"),
        N_("critical incident: dispatched to all crowd units at once"),
    ),
    (
        re.compile(r"^level (?P<level>\w+) from incident (?P<incident>\S+)$"),
        N_("level {level} from incident {incident}"),
    ),
]


def platform_note(note: str) -> tuple[str, dict[str, str]] | None:
    """The platform's own notes as (msgid, values); None for a note a person wrote."""
    for pattern, msgid in _PLATFORM_NOTES:
        found = pattern.match(note)
        if found:
            return msgid, found.groupdict()
    return None


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: an incident event or a workflow step."""

    at: datetime
    kind: str
    action: str
    actor: str = ""
    role: str = ""
    note: str = ""
    level: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    platform_note: tuple[str, dict[str, str]] | None = None
    due: datetime | None = None  # the deadline a step set (dispatch, extension, resume)


def _due(data: dict[str, Any]) -> datetime | None:
    value = data.get("due_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def timeline(db: sqlite_utils.Database, ticket_id: int) -> list[Entry]:
    entries = [
        Entry(e.observed_at, "event", e.state, level=e.level, evidence=e.evidence, data=e.metrics)
        for e in ticket_timeline(db, ticket_id)
    ]
    entries += [
        Entry(
            h.at,
            "step",
            h.action,
            h.actor,
            h.role,
            h.note or "",
            data=h.data,
            platform_note=platform_note(h.note or "") if h.role == "system" else None,
            due=_due(h.data),
        )
        for h in ticket_history(db, ticket_id)
    ]
    return sorted(entries, key=lambda x: (x.at, x.kind != "event"))


def _visible(db: sqlite_utils.Database, ticket_id: int, user: User) -> Ticket:
    try:
        t = get_ticket(db, ticket_id)
    except TicketNotFound:
        raise ConsoleDenied(404, "No ticket {id}.", id=ticket_id) from None
    if not can_see(user.role, user.unit, t):
        raise ConsoleDenied(403, "Ticket {id} is not one of your unit's tickets.", id=ticket_id)
    return t


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(request: Request, db: ConsoleDb, user: Viewer, ticket_id: TicketId) -> Response:
    t = _visible(db, ticket_id, user)
    center = center_of(db)
    now = datetime.now(UTC)
    proposal = route(center, t.grid_cell, t.category)
    kind, budget = budget_for(t.category, t.urgent, center)
    return render(
        request,
        "ticket.html",
        user,
        t=t,
        sla=sla(t, now, center),
        center=center,
        cell=center.cells.get(t.grid_cell),
        entries=timeline(db, t.id),
        actions=possible_actions(db, t, user, center),
        proposal=proposal,
        due_preview=due_time(now, budget, 0.0, clock_of(kind, center)),
        error=request.query_params.get("error"),
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_NOTE:
        raise ConsoleDenied(400, "The note is longer than {n} characters.", n=MAX_NOTE)
    return text


def _why_not(
    db: sqlite_utils.Database, t: Ticket, action: Action, user: User, center: CenterConfig
) -> str:
    """Why ``user`` may not take ``action`` now, in their language (the workflow's reason)."""
    allowed = allowed_actions(t.state)
    reason: Message | None
    if action in allowed:
        reason = refusal(t, action, action_args(db, center, _actor(user)), center)
    else:
        err = IllegalAction(str(t.id), t.state.value, action.value, [a.value for a in allowed])
        reason = err.message
    return _say(reason, user, center) if reason else ""


def _say(message: Message | None, user: User, center: CenterConfig, fallback: str = "") -> str:
    return show(message, translator(user.locale), center) if message else fallback


def _number(form: FormData, name: str, kind: type) -> Any:
    text = _text(form, name)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ConsoleDenied(
            400, "{field} must be a number; got {value}.", field=name, value=text
        ) from None


def _fields(form: FormData, action: Action) -> dict[str, Any]:
    fields: dict[str, Any] = {"note": _text(form, "note")}
    if action in (Action.DISPATCH, Action.REDISPATCH):
        mode = _text(form, "mode")
        if mode not in {m.value for m in Mode}:
            raise ConsoleDenied(400, "Choose a dispatch mode.")
        fields["mode"] = Mode(mode)
        fields["units"] = tuple(str(u) for u in form.getlist("units") if str(u))
    if action in (Action.REQUEST_EXTENSION, Action.DISPATCH):
        fields["hours"] = _number(form, "hours", float)
    if action is Action.MARK_DUPLICATE:
        fields["duplicate_of"] = _number(form, "duplicate_of", int)
    if action is Action.VERIFY_FAIL:
        fields["falsified"] = form.get("falsified") == "on"
    return fields


@router.post("/tickets/{ticket_id}/act")
async def act(
    request: Request, db: ConsoleDb, user: Viewer, form: Form, ticket_id: TicketId
) -> Response:
    """Take one action, as the logged-in user in their own role and unit."""
    t = _visible(db, ticket_id, user)
    try:
        action = Action(_text(form, "action"))
    except ValueError:
        raise ConsoleDenied(400, "Unknown action.") from None
    center = center_of(db)
    if action not in possible_actions(db, t, user, center):
        reason = _why_not(db, t, action, user, center)
        raise ConsoleDenied(403, "You may not take this action: {reason}", reason=reason)
    fields = _fields(form, action)
    photo = form.get("photo")
    if action is Action.REPORT and isinstance(photo, UploadFile) and photo.filename:
        fields["photo"] = await save_photo(photo, upload_dir(request))
    try:
        desk_act(db, t.id, action, _actor(user), **fields)
    except NotPermitted as err:
        reason = _say(err.message, user, center, str(err))
        raise ConsoleDenied(403, "You may not take this action: {reason}", reason=reason) from None
    except (GuardFailed, IllegalAction) as err:
        reason = _say(err.message, user, center, str(err))
        return render(request, "ticket_error.html", user, 409, t=t, action=action, reason=reason)
    return RedirectResponse(f"/console/tickets/{t.id}", status_code=303)


def _file_visible(db: sqlite_utils.Database, user: User, name: str) -> None:
    """404 unless ``user`` may see a ticket that holds the file (a unit: one of its own)."""
    if user.has(Right.VIEW_ALL_UNITS):
        return
    ids = tickets_holding(db, name)
    if not any(can_see(user.role, user.unit, get_ticket(db, i)) for i in ids):
        raise ConsoleDenied(404, "No such evidence image.")


@router.get("/media/{name}")
def media(
    request: Request, db: ConsoleDb, user: Viewer, name: Annotated[str, PathParam(pattern=_NAME)]
) -> Response:
    """An evidence image stored by the ingest (else from the evidence folder given to serve)."""
    _file_visible(db, user, name)
    stored = queries.stored_evidence(db, name)
    if stored is not None:
        return Response(content=stored[1], media_type=stored[0])
    folder = request.app.state.settings.evidence_dir
    if folder:
        root = Path(folder).resolve()
        path = (root / name).resolve()
        if path.parent == root and path.is_file():
            return FileResponse(path)
    raise ConsoleDenied(404, "No such evidence image.")


@router.get("/uploads/{name}")
def uploaded(
    request: Request, db: ConsoleDb, user: Viewer, name: Annotated[str, PathParam(pattern=_NAME)]
) -> Response:
    """A photo a unit uploaded with a report (every report's photo stays in the audit trail)."""
    _file_visible(db, user, name)
    path, media_type = photo_path(upload_dir(request), name)
    return FileResponse(path, media_type=media_type, headers={"Content-Disposition": "inline"})
