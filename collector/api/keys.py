"""API keys of the Open311 API: created, listed, revoked, checked; stored hashed.

A key reads ``gwk_<id>_<secret>``. The id (8 hex digits) finds the row; the secret (32 url-safe
bytes) is never stored: the row holds a random salt and ``HMAC-SHA256(salt, secret)``, and a
presented key is checked with :func:`hmac.compare_digest` (constant time).

Scopes: ``read`` may only read; ``write`` may read and write (file service requests). A write key
acts for a named member of the center (``member``: a console account or a member in units.yaml),
and what it files is authorised in that member's role through the permission table
(:func:`collector.tickets.desk.intake_member`), when the key is made and again at every request.

Example:
    >>> from collector.grid import import_center, read_center
    >>> from collector.store import open_store
    >>> db = open_store(":memory:")
    >>> _ = import_center(db, *read_center("configs/grid/cells.geojson")[::2], "example")
    >>> created = create_key(db, "write", "patrol app", "2026-01-01T00:00:00+00:00", "wang.duty")
    >>> key = check_key(db, created.secret, "write")
    >>> key.label, key.member
    ('patrol app', 'wang.duty')
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlite_utils

from collector.errors import MessageError
from collector.tickets.desk import intake_member

__all__ = [
    "SCOPES",
    "ApiKey",
    "CreatedKey",
    "ApiKeyError",
    "ApiKeyMissing",
    "ApiKeyRefused",
    "ApiKeyScopeError",
    "ApiKeyUnbound",
    "create_key",
    "bind_key",
    "list_keys",
    "revoke_key",
    "check_key",
]

SCOPES: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "write": frozenset({"read", "write"}),
}
"""What each key scope grants."""

_PREFIX = "gwk"


class ApiKeyError(MessageError):
    """An API key operation failed."""


class ApiKeyMissing(ApiKeyError):
    """No API key was presented where one is required."""


class ApiKeyRefused(ApiKeyError):
    """The API key is malformed, unknown or revoked."""


class ApiKeyScopeError(ApiKeyError):
    """The API key is valid but its scope does not allow the operation."""


class ApiKeyUnbound(ApiKeyScopeError):
    """A write key made before write keys named a member: refused until it is bound to one."""


@dataclass(frozen=True)
class ApiKey:
    """A stored key (without its secret)."""

    id: str
    label: str
    scope: str
    created_at: str
    revoked_at: str | None
    member: str | None = None


@dataclass(frozen=True)
class CreatedKey:
    """A freshly created key; ``secret`` is shown once and cannot be recovered later."""

    key: ApiKey
    secret: str


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def _row_to_key(row: dict) -> ApiKey:
    return ApiKey(
        row["id"], row["label"], row["scope"], row["created_at"], row["revoked_at"], row["member"]
    )


def _check_member(db: sqlite_utils.Database, scope: str, member: str | None) -> None:
    if scope == "read" and member is not None:
        raise ApiKeyError("read_key_no_member")
    if scope == "write":
        if not member:
            raise ApiKeyError("write_key_needs_member")
        intake_member(db, member)  # NotPermitted: unknown, disabled, or may not receive cases


def create_key(
    db: sqlite_utils.Database, scope: str, label: str, now: str, member: str | None = None
) -> CreatedKey:
    """Create a key with ``scope`` (``read`` or ``write``, acting for ``member``); return it with
    its secret."""
    if scope not in SCOPES:
        raise ApiKeyError("key_scope_unknown", scopes=sorted(SCOPES), scope=scope)
    _check_member(db, scope, member)
    key_id = secrets.token_hex(4)
    while db["api_keys"].count_where("id = ?", [key_id]):
        key_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    row = {
        "id": key_id,
        "label": label,
        "scope": scope,
        "salt": salt,
        "hash": _digest(salt, secret),
        "created_at": now,
        "revoked_at": None,
        "member": member,
    }
    db.table("api_keys").insert(row)
    return CreatedKey(_row_to_key(row), f"{_PREFIX}_{key_id}_{secret}")


def list_keys(db: sqlite_utils.Database) -> list[ApiKey]:
    """Every key, oldest first (revoked ones included)."""
    return [_row_to_key(r) for r in db["api_keys"].rows_where(order_by="created_at, id")]


def bind_key(db: sqlite_utils.Database, key_id: str, member: str) -> ApiKey:
    """Make the write key ``key_id`` act for ``member`` (a key made before keys named one)."""
    rows = list(db["api_keys"].rows_where("id = ?", [key_id]))
    if not rows:
        raise ApiKeyError("no_api_key", key=key_id)
    _check_member(db, rows[0]["scope"], member)
    db.table("api_keys").update(key_id, {"member": member})
    return _row_to_key(next(db["api_keys"].rows_where("id = ?", [key_id])))


def revoke_key(db: sqlite_utils.Database, key_id: str, now: str) -> ApiKey:
    """Revoke the key ``key_id``; revoking twice keeps the first time."""
    rows = list(db["api_keys"].rows_where("id = ?", [key_id]))
    if not rows:
        raise ApiKeyError("no_api_key", key=key_id)
    if rows[0]["revoked_at"] is None:
        db.table("api_keys").update(key_id, {"revoked_at": now})
    return _row_to_key(next(db["api_keys"].rows_where("id = ?", [key_id])))


def check_key(db: sqlite_utils.Database, presented: str | None, need: str) -> ApiKey:
    """Return the key if ``presented`` is a valid, unrevoked key whose scope grants ``need``.

    Raises :class:`ApiKeyMissing` (no key), :class:`ApiKeyRefused` (malformed, unknown, revoked or
    wrong secret), :class:`ApiKeyScopeError` (valid key, insufficient scope) or
    :class:`ApiKeyUnbound` (a write key that acts for no member yet).
    """
    if not presented:
        raise ApiKeyMissing("api_key_missing", need=need)
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != _PREFIX:
        raise ApiKeyRefused("api_key_malformed")
    rows = list(db["api_keys"].rows_where("id = ?", [parts[1]]))
    # Compare against a dummy digest when the id is unknown, so timing does not reveal ids.
    row = rows[0] if rows else {"salt": "00" * 16, "hash": "", "revoked_at": None}
    ok = hmac.compare_digest(_digest(str(row["salt"]), parts[2]), str(row["hash"]))
    if not rows or not ok or row["revoked_at"] is not None:
        raise ApiKeyRefused("api_key_refused")
    key = _row_to_key(row)
    if need not in SCOPES[key.scope]:
        raise ApiKeyScopeError("api_key_scope", key=key.id, scope=key.scope, need=need)
    if need == "write" and key.member is None:
        raise ApiKeyUnbound("api_key_unbound", key=key.id)
    return key
