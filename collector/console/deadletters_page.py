"""Dead letters (死信): the messages the ingest refused, for the duty chief and the administrator.

The list (reason, topic, box, time, size), one letter (its capped bytes as escaped text and as
hex, its review trail), retry and drop. Both act through :mod:`collector.deadletters` exactly as
``collector dead-letters`` does: a retry runs the bytes through the ingest's own validation with
the collector's current limits and box keys (``collector serve --config``), a drop needs a reason
and is audited under the console user's name.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

import sqlite_utils
from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from collector.console.web import ConsoleDb, ConsoleDenied, User, checked_form, need, render
from collector.deadletters import (
    DeadLetter,
    DeadLetterError,
    Reviewer,
    drop,
    get_dead_letter,
    list_dead_letters,
    retry,
    review_trail,
)
from collector.deadletters.review import preview
from collector.errors import ConfigError
from collector.ingest.filing import default_filer, file_pending
from collector.ingest.validate import Limits
from collector.tickets.permissions import Right
from collector.transport.config import load_config
from collector.transport.service import ingest_limits

__all__ = ["router", "hex_lines", "TEXT_CHARS", "HEX_BYTES", "LIST_LIMIT"]

router = APIRouter(prefix="/console/dead-letters")
Reviewing = Annotated[User, Depends(need(Right.REVIEW_DEAD_LETTERS))]
Form = Annotated[FormData, Depends(checked_form)]
LetterId = Annotated[int, PathParam(ge=1, le=2**62)]
TEXT_CHARS = 8000
HEX_BYTES = 4096
LIST_LIMIT = 200
MAX_NOTE = 500
log = logging.getLogger(__name__)
_DONE = {"stored", "duplicate", "dropped"}  # what the list says after a retry or drop


def hex_lines(raw: bytes, limit: int = HEX_BYTES) -> list[tuple[str, str, str]]:
    """(offset, hex bytes, printable ASCII) per 16 bytes, up to ``limit`` bytes."""
    out = []
    for at in range(0, min(len(raw), limit), 16):
        chunk = raw[at : at + 16]
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        out.append((f"{at:06x}", chunk.hex(" "), ascii_))
    return out


def _letter(db: sqlite_utils.Database, letter_id: int) -> DeadLetter:
    try:
        return get_dead_letter(db, letter_id)
    except DeadLetterError:
        raise ConsoleDenied(404, "No dead letter {id}.", id=letter_id) from None


def _note(form: FormData) -> str:
    value = form.get("note")
    note = value.strip() if isinstance(value, str) else ""
    if len(note) > MAX_NOTE:
        raise ConsoleDenied(400, "The note is longer than {n} characters.", n=MAX_NOTE)
    return note


def _reviewer(user: User, note: str) -> Reviewer:
    return Reviewer(user.id, datetime.now(UTC).isoformat(timespec="milliseconds"), note)


def _limits(request: Request) -> Limits:
    path = request.app.state.settings.config
    if not path:
        raise ConsoleDenied(
            409,
            "Retrying needs the collector's configuration (limits and box keys): "
            "start collector serve with --config.",
        )
    try:
        return ingest_limits(load_config(path))
    except (ConfigError, OSError) as err:
        log.error("dead-letter retry: %s", err)
        raise ConsoleDenied(
            503,
            "The collector's configuration ({path}) cannot be read; see the server's log.",
            path=path,
        ) from None


@router.get("", response_class=HTMLResponse)
def letters(request: Request, db: ConsoleDb, user: Reviewing) -> Response:
    reason = request.query_params.get("reason") or None
    done = request.query_params.get("done")
    return render(
        request,
        "deadletters.html",
        user,
        letters=list_dead_letters(db, reason, None, LIST_LIMIT),
        parse_time=datetime.fromisoformat,
        reason=reason,
        done=done if done in _DONE else None,
        done_id=request.query_params.get("id", "")[:20],
        limit=LIST_LIMIT,
    )


@router.get("/{letter_id}", response_class=HTMLResponse)
def letter(request: Request, db: ConsoleDb, user: Reviewing, letter_id: LetterId) -> Response:
    d = _letter(db, letter_id)
    return render(
        request,
        "deadletter.html",
        user,
        d=d,
        text=preview(d.raw, TEXT_CHARS),
        hex=hex_lines(d.raw),
        hex_cut=len(d.raw) > HEX_BYTES,
        hex_bytes=HEX_BYTES,
        parse_time=datetime.fromisoformat,
        trail=review_trail(db, d.id),  # ids are never reused (deadletters_0002)
        can_retry=bool(request.app.state.settings.config),
        refused=request.query_params.get("refused") == "1",
    )


@router.post("/{letter_id}/retry")
def retry_letter(
    request: Request, db: ConsoleDb, user: Reviewing, form: Form, letter_id: LetterId
) -> Response:
    """Validate again with the current limits and keys; stored ones are filed as tickets now."""
    d = _letter(db, letter_id)
    if not d.complete:
        raise ConsoleDenied(
            409,
            "Only {kept} of {size} bytes of dead letter {id} were kept: "
            "the box must send it again.",
            kept=len(d.raw),
            size=d.size,
            id=d.id,
        )
    outcome = retry(db, d.id, _limits(request), _reviewer(user, _note(form)))
    if outcome.outcome == "refused":
        return RedirectResponse(f"/console/dead-letters/{d.id}?refused=1", status_code=303)
    if outcome.outcome == "stored":
        file_pending(db, default_filer())
    return RedirectResponse(
        f"/console/dead-letters?done={outcome.outcome}&id={d.id}", status_code=303
    )


@router.post("/{letter_id}/drop")
def drop_letter(
    request: Request, db: ConsoleDb, user: Reviewing, form: Form, letter_id: LetterId
) -> Response:
    """Delete it for good; the review trail keeps what it was, who dropped it and why."""
    d = _letter(db, letter_id)
    note = _note(form)
    if not note:
        raise ConsoleDenied(400, "Dropping a dead letter needs a reason.")
    drop(db, d.id, _reviewer(user, note))
    return RedirectResponse(f"/console/dead-letters?done=dropped&id={d.id}", status_code=303)
