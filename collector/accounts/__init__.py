"""Accounts of the center's staff: roles, hashed passwords, log-in with lock-out, and the one
function that turns an actor name into a real member (:func:`resolve_actor`).

Public API:

- :func:`create_account`, :func:`get_account`, :func:`list_accounts`, :func:`update_account`,
  :func:`set_password` - the administration;
- :func:`authenticate` - log-in (argon2 hashes; locked after :data:`MAX_FAILURES` failures);
- :func:`resolve_actor` / :class:`Principal` - who acts, in which role, for which unit.
"""

from collector.accounts.principal import Principal, resolve_actor
from collector.accounts.store import (
    LOCK_MINUTES,
    MAX_FAILURES,
    Account,
    AccountError,
    LoginRefused,
    authenticate,
    create_account,
    get_account,
    list_accounts,
    set_password,
    update_account,
)

__all__ = [
    "Account",
    "AccountError",
    "LoginRefused",
    "MAX_FAILURES",
    "LOCK_MINUTES",
    "create_account",
    "get_account",
    "list_accounts",
    "update_account",
    "set_password",
    "authenticate",
    "Principal",
    "resolve_actor",
]
