"""Mount the console on an app: signed-cookie sessions, static files, routes, error pages."""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlite_utils
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from collector.api.app import ApiSettings, create_app
from collector.api.deps import connect
from collector.console import (
    admin,
    auth,
    boxes,
    deadletters_page,
    intake_page,
    mapview,
    patrol_page,
    queue,
    statistics,
    ticket_page,
)
from collector.console.i18n import translator
from collector.console.refusals import shown_values
from collector.console.web import ConsoleDenied, LoginNeeded, render
from collector.store import write_transaction

__all__ = [
    "create_console_app",
    "install_console",
    "session_secret",
    "SESSION_COOKIE",
    "SESSION_HOURS",
]

SESSION_COOKIE = "gridwatch_console"
SESSION_HOURS = 12  # one shift
STATIC = Path(__file__).parent / "static"


def session_secret(db: sqlite_utils.Database) -> str:
    """The key signing the session cookies: made once, kept in the store across restarts."""
    with write_transaction(db):
        rows = list(db.query("SELECT key FROM console_secret WHERE id = 1"))
        if rows:
            return str(rows[0]["key"])
        key = secrets.token_urlsafe(48)
        db.execute("INSERT INTO console_secret (id, key) VALUES (1, ?)", [key])
        return key


async def _login_needed(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/console/events") or request.method != "GET":
        return Response(status_code=401)
    return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleDenied)
    tr = translator(_locale(request))
    message = tr.gettext(exc.msgid, **shown_values(exc.values, tr))
    return render(request, "error.html", None, exc.status, message=message, locale=tr.locale)


def _locale(request: Request) -> str | None:
    uid = request.session.get("uid")
    if isinstance(uid, str):
        db = connect(request.app.state.settings.db)
        try:
            rows = list(db.query("SELECT locale FROM accounts WHERE id = ?", [uid]))
        finally:
            db.close()
        if rows:
            return str(rows[0]["locale"])
    visitor = request.session.get("locale")  # chosen on the log-in page
    return visitor if isinstance(visitor, str) else None


def install_console(app: FastAPI) -> None:
    """Add the console to ``app`` (its ``state.settings`` names the store)."""
    db = connect(app.state.settings.db)
    try:
        secret = session_secret(db)
    finally:
        db.close()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
    )
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for module in (
        auth,
        queue,
        ticket_page,
        intake_page,
        mapview,
        boxes,
        patrol_page,
        statistics,
        admin,
        deadletters_page,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(LoginNeeded, _login_needed)
    app.add_exception_handler(ConsoleDenied, _denied)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/console/", status_code=307)


def create_console_app(settings: ApiSettings) -> FastAPI:
    """The Open311 API with the console mounted beside it (what ``collector serve`` runs)."""
    app = create_app(settings)
    install_console(app)
    return app
