"""Who acts: an actor name resolved to a real member with its role and unit.

Every caller that moves a ticket (console, CLI, Open311) resolves the actor here first and passes
the member's own role and unit to the workflow; an unknown actor, or one claiming a role that is
not theirs, is refused with the reason. Accounts (the console's log-ins) come first; members listed
in ``units.yaml`` (imported with the grid map) are members too, so a center without accounts yet
still has named people.

Example:
    >>> from collector.grid import read_center
    >>> from collector.store import open_store
    >>> center, _, _ = read_center("configs/grid/cells.geojson")
    >>> p = resolve_actor(open_store(":memory:"), center, "chen.squad")
    >>> p.role.value, p.unit
    ('unit_handler', 'xitang-squad')
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from collector.accounts.store import get_account
from collector.config.models import CenterConfig, Role
from collector.errors import NotPermitted

__all__ = ["Principal", "resolve_actor"]


@dataclass(frozen=True)
class Principal:
    """A resolved actor: id, display name, role, unit (None for center-wide roles)."""

    actor: str
    name: str
    role: Role
    unit: str | None


def resolve_actor(
    db: sqlite_utils.Database, center: CenterConfig, actor: str, role: Role | None = None
) -> Principal:
    """The member named ``actor``; ``role`` (if given) must be theirs. Raises NotPermitted."""
    account = get_account(db, actor)
    if account is not None:
        if account.disabled:
            raise NotPermitted("account_disabled", actor=actor)
        found = Principal(account.id, account.name, account.role, account.unit)
    else:
        member = center.member(actor)
        if member is None:
            raise NotPermitted("unknown_actor", actor=actor)
        unit, m = member
        found = Principal(m.id, m.name, m.role, unit.id)
    if role is not None and role is not found.role:
        if found.unit is None:
            raise NotPermitted(
                "claims_other_role_center", actor=actor, role=found.role, claimed=role
            )
        raise NotPermitted(
            "claims_other_role", actor=actor, role=found.role, unit=found.unit, claimed=role
        )
    return found
