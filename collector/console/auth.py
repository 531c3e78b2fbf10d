"""Log-in, log-out and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from collector.accounts import LoginRefused, authenticate, get_account, update_account
from collector.console.i18n import LOCALES, translator
from collector.console.refusals import explain
from collector.console.web import (
    ConsoleDb,
    ConsoleDenied,
    LoginNeeded,
    User,
    checked_form,
    get_user,
    render,
)

__all__ = ["router", "PREFIX"]

PREFIX = "/console"
router = APIRouter(prefix=PREFIX)
Form = Annotated[FormData, Depends(checked_form)]


def _safe_next(target: object) -> str:
    """Only a path inside the console (no open redirect)."""
    text = str(target or "")
    return text if text.startswith(PREFIX + "/") and not text.startswith("//") else PREFIX + "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "") -> Response:
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: ConsoleDb, form: Form) -> Response:
    account_id = str(form.get("username", "")).strip().lower()
    now = datetime.now(UTC)
    try:
        account = authenticate(db, account_id, str(form.get("password", "")), now)
    except LoginRefused as err:
        error = explain(err, translator(request.session.get("locale")))
        return render(
            request, "login.html", None, 401, next=_safe_next(form.get("next")), error=error
        )
    request.session.clear()  # a new session on log-in (no fixation)
    request.session["uid"] = account.id
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    request.session.clear()
    return RedirectResponse(PREFIX + "/login", status_code=303)


@router.post("/language")
def language(request: Request, db: ConsoleDb, form: Form) -> Response:
    """A logged-in user's language is kept on their account; a visitor's (the log-in page) in
    the session, which :func:`~collector.console.web.render` reads when nobody is logged in."""
    locale = str(form.get("locale", ""))
    if locale not in LOCALES:
        raise ConsoleDenied(400, "Unknown language {locale}.", locale=locale)
    user = _user_or_visitor(request, db)
    if user is None:
        request.session["locale"] = locale
    elif get_account(db, user.id) is not None:
        update_account(db, user.id, locale=locale)
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


def _user_or_visitor(request: Request, db: ConsoleDb) -> User | None:
    try:
        return get_user(request, db)
    except LoginNeeded:
        return None
