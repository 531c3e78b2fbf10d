"""Administration: accounts and roles, the units (from the imported units.yaml), API keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from collector.accounts import (
    AccountError,
    create_account,
    list_accounts,
    set_password,
    update_account,
)
from collector.api.keys import ApiKeyError, create_key, list_keys, revoke_key
from collector.config.models import Role
from collector.console.i18n import translator
from collector.console.refusals import explain
from collector.console.web import (
    ConsoleDb,
    ConsoleDenied,
    User,
    center_of,
    checked_form,
    need,
    render,
)
from collector.errors import MessageError, NotPermitted
from collector.tickets.permissions import Right, has_right

__all__ = ["router", "ACCOUNT_ROLES"]

router = APIRouter(prefix="/console/admin")
Admin = Annotated[User, Depends(need(Right.ADMINISTER))]
Form = Annotated[FormData, Depends(checked_form)]
AccountId = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
ACCOUNT_ROLES = [r for r in Role if r is not Role.SYSTEM]


def _page(
    request: Request,
    db: ConsoleDb,
    user: User,
    status: int = 200,
    created_key: str | None = None,
    error: MessageError | None = None,
) -> Response:
    accounts = list_accounts(db)
    center = center_of(db)
    return render(
        request,
        "admin.html",
        user,
        status,
        created_key=created_key,
        error=explain(error, translator(user.locale), center) if error else None,
        accounts=accounts,
        receivers=[a for a in accounts if has_right(a.role, Right.RECEIVE) and not a.disabled],
        units=center.units,
        center=center,
        keys=list_keys(db),
        roles=ACCOUNT_ROLES,
    )


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, db: ConsoleDb, user: Admin) -> Response:
    return _page(request, db, user)


def _role(text: object) -> Role:
    try:
        role = Role(str(text))
    except ValueError:
        raise ConsoleDenied(400, "Unknown role {role}.", role=str(text)) from None
    if role is Role.SYSTEM:
        raise ConsoleDenied(400, "Unknown role {role}.", role=role.value)
    return role


def _unit(text: object, request: Request, db: ConsoleDb) -> str | None:
    unit = str(text or "").strip() or None
    if unit is not None and unit not in center_of(db).unit_ids():
        raise ConsoleDenied(400, "Unknown unit {unit}.", unit=unit)
    return unit


@router.post("/accounts")
def add_account(request: Request, db: ConsoleDb, user: Admin, form: Form) -> Response:
    try:
        create_account(
            db,
            str(form.get("id", "")).strip().lower(),
            str(form.get("name", "")),
            _role(form.get("role")),
            _unit(form.get("unit"), request, db),
            str(form.get("password", "")),
            datetime.now(UTC),
        )
    except AccountError as err:
        return _page(request, db, user, 400, error=err)
    return RedirectResponse("/console/admin", status_code=303)


@router.post("/accounts/{account_id}")
def change_account(
    request: Request, db: ConsoleDb, user: Admin, form: Form, account_id: AccountId
) -> Response:
    try:
        update_account(
            db,
            account_id,
            role=_role(form.get("role")),
            unit=_unit(form.get("unit"), request, db),
            disabled=form.get("disabled") == "on",
            unlock=form.get("unlock") == "on",
        )
        password = str(form.get("password", ""))
        if password:
            set_password(db, account_id, password)
    except AccountError as err:
        return _page(request, db, user, 400, error=err)
    return RedirectResponse("/console/admin", status_code=303)


@router.post("/keys")
def add_key(request: Request, db: ConsoleDb, user: Admin, form: Form) -> Response:
    scope = str(form.get("scope", ""))
    member = str(form.get("member", "")).strip() if scope == "write" else ""
    if scope == "write" and not member:
        raise ConsoleDenied(400, "A write key acts for a member: choose who files through it.")
    try:
        created = create_key(
            db,
            scope,
            str(form.get("label", ""))[:120],
            datetime.now(UTC).isoformat(timespec="seconds"),
            member or None,
        )
    except (NotPermitted, ApiKeyError) as err:
        return _page(request, db, user, 400, error=err)
    return _page(request, db, user, created_key=created.secret)


@router.post("/keys/{key_id}/revoke")
def revoke(
    request: Request,
    db: ConsoleDb,
    user: Admin,
    form: Form,
    key_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{8}$")],
) -> Response:
    try:
        revoke_key(db, key_id, datetime.now(UTC).isoformat(timespec="seconds"))
    except ApiKeyError as err:
        return _page(request, db, user, 400, error=err)
    return RedirectResponse("/console/admin", status_code=303)
