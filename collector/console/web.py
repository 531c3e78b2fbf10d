"""The console's request plumbing: the logged-in user, role checks (403 with a clear message),
CSRF on every form, templates (autoescaped) with the user's language, and Chinese dates in the
center's time zone."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlite_utils
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from collector.accounts import get_account
from collector.api.deps import connect
from collector.config.models import CenterConfig, Role
from collector.console import labels
from collector.console.i18n import DEFAULT_LOCALE, Translator, translator
from collector.errors import ConfigError
from collector.grid.store import load_center
from collector.tickets.permissions import Right, has_right

__all__ = [
    "TZ",
    "User",
    "ConsoleDenied",
    "LoginNeeded",
    "ConsoleDb",
    "get_user",
    "need",
    "checked_form",
    "render",
    "center_of",
    "local_time",
]

TZ = ZoneInfo("Asia/Shanghai")
"""The center's time zone: every date on the console is shown in it."""

MAX_FORM_FIELDS = 60


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role
    unit: str | None
    locale: str
    unit_name: str | None = None

    def has(self, right: Right | str) -> bool:
        return has_right(self.role, Right(right))


class LoginNeeded(Exception):
    """No (valid) session: the answer is the log-in page."""


class ConsoleDenied(Exception):
    """Refused: ``status`` (403, 400, 404, 413...) and a msgid with its values."""

    def __init__(self, status: int, msgid: str, **values: object):
        self.status, self.msgid, self.values = status, msgid, values
        super().__init__(msgid)


def _db(request: Request) -> Iterator[sqlite_utils.Database]:
    db = connect(request.app.state.settings.db)
    try:
        yield db
    finally:
        db.close()


ConsoleDb = Annotated[sqlite_utils.Database, Depends(_db)]


def get_user(request: Request, db: ConsoleDb) -> User:
    """The logged-in user, read from the store at every request (a changed role applies now)."""
    uid = request.session.get("uid")
    account = get_account(db, uid) if isinstance(uid, str) else None
    if account is None or account.disabled:
        request.session.pop("uid", None)
        raise LoginNeeded()
    names = {u.id: u.name for u in center_of(db).units} if account.unit else {}
    return User(
        account.id,
        account.name,
        account.role,
        account.unit,
        account.locale,
        names.get(account.unit or "", account.unit),
    )


CurrentUser = Annotated[User, Depends(get_user)]


def need(right: Right) -> Callable[..., User]:
    """A dependency: the logged-in user, who must have ``right`` (else 403)."""

    def dep(user: CurrentUser) -> User:
        if not user.has(right):
            raise ConsoleDenied(
                403, "Your role ({role}) may not open this page.", role=user.role.value
            )
        return user

    return dep


def center_of(db: sqlite_utils.Database) -> CenterConfig:
    """The imported center; a console without a grid map answers 503 with the fix."""
    try:
        return load_center(db)
    except ConfigError:
        raise ConsoleDenied(
            503, "No grid map has been imported yet (collector grid import)."
        ) from None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, after its CSRF token was checked against the session's (else 403).
    Uploaded files are closed when the request is done."""
    form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    try:
        sent = form.get("csrf_token")
        token = request.session.get("csrf")
        if not (
            isinstance(sent, str) and isinstance(token, str) and hmac.compare_digest(sent, token)
        ):
            raise ConsoleDenied(
                403,
                "The form has expired or did not come from this console. "
                "Reload the page and try again.",
            )
        yield form
    finally:
        await form.close()


_ENV = Environment(
    loader=PackageLoader("collector.console", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def local_time(ts: datetime | None, tr: Translator, seconds: bool = False) -> str:
    """A date-time in the center's zone, in the user's language's format (from the catalogue)."""
    if ts is None:
        return "—"
    t = ts.astimezone(TZ)
    hm = t.strftime("%H:%M:%S" if seconds else "%H:%M")
    return tr.gettext("{y}-{m:02d}-{d:02d} {hm}").format(y=t.year, m=t.month, d=t.day, hm=hm)


def render(
    request: Request,
    name: str,
    user: User | None,
    status: int = 200,
    locale: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name`` for ``user`` in ``locale`` (default: the user's language, or the
    visitor's when logged out)."""
    if locale is None:
        locale = user.locale if user else request.session.get("locale", DEFAULT_LOCALE)
    tr = translator(locale)

    def fmt_time(ts: datetime | None, seconds: bool = False) -> str:
        return local_time(ts, tr, seconds)

    html = _ENV.get_template(name).render(
        _=tr.gettext,
        L=labels,
        user=user,
        lang=tr.locale,
        csrf=csrf_token(request),
        fmt_time=fmt_time,
        now=datetime.now(UTC),
        request_path=request.url.path,
        request_query=request.url.query,
        **context,
    )
    return HTMLResponse(html, status_code=status)
