"""Accounts in the collector's store: create, read, update, and log-in with lock-out.

Passwords are hashed with argon2id (argon2-cffi); a hash made with older parameters is replaced at
the next successful log-in. After :data:`MAX_FAILURES` wrong passwords in a row the account is
locked for :data:`LOCK_MINUTES`; a locked account refuses even the right password until then.

Example:
    >>> from datetime import UTC, datetime
    >>> from collector.store import open_store
    >>> db = open_store(":memory:")
    >>> now = datetime(2026, 12, 1, tzinfo=UTC)
    >>> _ = create_account(db, "wang.duty", "Wang Jun", Role.DUTY_CHIEF, "xitang-center",
    ...                    "s3cret-pass", now)
    >>> authenticate(db, "wang.duty", "s3cret-pass", now).role.value
    'duty_chief'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from collector.config.models import Role
from collector.errors import MessageError
from collector.store import write_transaction

__all__ = [
    "Account",
    "AccountError",
    "LoginRefused",
    "MAX_FAILURES",
    "LOCK_MINUTES",
    "LOCALES",
    "create_account",
    "get_account",
    "list_accounts",
    "update_account",
    "set_password",
    "authenticate",
]

MAX_FAILURES = 5
LOCK_MINUTES = 15
LOCALES = ("zh_CN", "en")
MIN_PASSWORD = 8
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password of anyone")  # same work for an unknown id


class AccountError(MessageError):
    """An account cannot be created or changed (the message names the field and value)."""


class LoginRefused(MessageError):
    """A log-in is refused; ``kind`` is ``credentials``, ``locked`` or ``disabled``; ``until``
    the end of a lock."""

    def __init__(self, kind: str, message_id: str, /, **values: object):
        until = values.get("until")
        self.kind, self.until = kind, until if isinstance(until, datetime) else None
        super().__init__(message_id, **values)


@dataclass(frozen=True)
class Account:
    """A person who logs in. ``unit`` is required for unit handlers."""

    id: str
    name: str
    role: Role
    unit: str | None
    locale: str = "zh_CN"
    failures: int = 0
    locked_until: datetime | None = None
    disabled: bool = False

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise AccountError("account_id_invalid", account=self.id)
        if not self.name.strip():
            raise AccountError("account_name_empty", account=self.id)
        if self.role is Role.SYSTEM:
            raise AccountError("account_role_system", account=self.id)
        if self.role is Role.UNIT_HANDLER and not self.unit:
            raise AccountError("account_needs_unit", account=self.id)
        if self.locale not in LOCALES:
            raise AccountError(
                "account_locale_unknown", account=self.id, locale=self.locale, locales=LOCALES
            )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Account:
        locked = row["locked_until"]
        return cls(
            id=row["id"],
            name=row["name"],
            role=Role(row["role"]),
            unit=row["unit"],
            locale=row["locale"],
            failures=row["failures"],
            locked_until=datetime.fromisoformat(locked) if locked else None,
            disabled=bool(row["disabled"]),
        )


def _check_password(account_id: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_too_short", account=account_id, min=MIN_PASSWORD)


def create_account(
    db: sqlite_utils.Database,
    account_id: str,
    name: str,
    role: Role,
    unit: str | None,
    password: str,
    now: datetime,
) -> Account:
    """Create an account; raises :class:`AccountError` if the id exists or a field is wrong."""
    account = Account(account_id, name, role, unit)
    _check_password(account_id, password)
    if get_account(db, account_id) is not None:
        raise AccountError("account_exists", account=account_id)
    db.table("accounts").insert(
        {
            "id": account.id,
            "name": account.name,
            "role": account.role.value,
            "unit": account.unit,
            "password_hash": _HASHER.hash(password),
            "locale": account.locale,
            "created_at": now.isoformat(),
        }
    )
    return account


def get_account(db: sqlite_utils.Database, account_id: str) -> Account | None:
    rows = list(db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
    return Account.from_row(rows[0]) if rows else None


def list_accounts(db: sqlite_utils.Database) -> list[Account]:
    return [Account.from_row(r) for r in db.query("SELECT * FROM accounts ORDER BY role, id")]


def update_account(db: sqlite_utils.Database, account_id: str, **changes: Any) -> Account:
    """Change ``name``, ``role``, ``unit``, ``locale`` or ``disabled``; ``unlock=True`` clears a lock."""
    old = get_account(db, account_id)
    if old is None:
        raise AccountError("no_account", account=account_id)
    unlock = changes.pop("unlock", False)
    unknown = set(changes) - {"name", "role", "unit", "locale", "disabled"}
    if unknown:
        raise AccountError("account_fields_fixed", account=account_id, fields=sorted(unknown))
    new = Account(**{**old.__dict__, **changes})
    values: dict[str, Any] = {
        "name": new.name,
        "role": new.role.value,
        "unit": new.unit,
        "locale": new.locale,
        "disabled": int(new.disabled),
    }
    if unlock:
        values |= {"failures": 0, "locked_until": None}
    db.table("accounts").update(account_id, values)
    return get_account(db, account_id)  # type: ignore[return-value]


def set_password(db: sqlite_utils.Database, account_id: str, password: str) -> None:
    if get_account(db, account_id) is None:
        raise AccountError("no_account", account=account_id)
    _check_password(account_id, password)
    db.table("accounts").update(account_id, {"password_hash": _HASHER.hash(password)})


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _refuse_locked(account: Account, now: datetime) -> None:
    if account.disabled:
        raise LoginRefused("disabled", "login_disabled", account=account.id)
    if account.locked_until is not None and now < account.locked_until:
        raise LoginRefused("locked", "login_locked", account=account.id, until=account.locked_until)


def _record_failure(db: sqlite_utils.Database, account: Account, now: datetime) -> LoginRefused:
    """Count one more failure (locking at :data:`MAX_FAILURES`); the refusal to raise."""
    failures = account.failures + 1
    locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
    db.table("accounts").update(
        account.id,
        {
            "failures": 0 if locked else failures,
            "locked_until": locked.isoformat() if locked else None,
        },
    )
    if locked:
        return LoginRefused(
            "locked", "login_locked_now", account=account.id, failures=failures, until=locked
        )
    return LoginRefused("credentials", "login_refused")


def authenticate(
    db: sqlite_utils.Database, account_id: str, password: str, now: datetime
) -> Account:
    """The account if ``password`` is right; else :class:`LoginRefused` (and one failure more)."""
    refused: LoginRefused | None = None
    with write_transaction(db):  # the failure count is committed before the refusal is raised
        rows = list(db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
        if not rows:
            _verify(_DUMMY, password)
            raise LoginRefused("credentials", "login_refused")
        account = Account.from_row(rows[0])
        _refuse_locked(account, now)
        if not _verify(rows[0]["password_hash"], password):
            refused = _record_failure(db, account, now)
        else:
            values: dict[str, Any] = {"failures": 0, "locked_until": None}
            if _HASHER.check_needs_rehash(rows[0]["password_hash"]):
                values["password_hash"] = _HASHER.hash(password)
            db.table("accounts").update(account_id, values)
    if refused is not None:
        raise refused
    return get_account(db, account_id)  # type: ignore[return-value]
