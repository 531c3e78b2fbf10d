"""Who may do what: roles x workflow actions and roles x console rights, as data.

The workflow service calls :func:`authorize` once per action (before the state table is asked), so
every path that moves a ticket - the console, the Open311 write path, the CLI - is checked here.
The callers resolve the actor to a real member first (:mod:`collector.accounts`), so ``args.role``
and ``args.unit`` are the actor's own, never what a user typed.

Unit scope: a unit handler acts only on tickets dispatched to its unit; an inspector of a linkage
station verifies only tickets in the cells of its station (an inspector of the center: any).

Example:
    >>> may(Role.UNIT_HANDLER, Action.DISPATCH), may(Role.DUTY_CHIEF, Action.DISPATCH)
    (False, True)
    >>> has_right(Role.LEADER, Right.VIEW_STATS), has_right(Role.LEADER, Right.ADMINISTER)
    (True, False)
"""

from __future__ import annotations

from enum import StrEnum

from collector.config.models import CenterConfig, Role, UnitKind
from collector.errors import Message, NotPermitted
from collector.tickets.model import Ticket
from collector.tickets.workflow import Action, ActionArgs

__all__ = [
    "Right",
    "WORKFLOW",
    "RIGHTS",
    "may",
    "has_right",
    "require_right",
    "actions_of",
    "refusal",
    "authorize",
    "can_see",
]


class Right(StrEnum):
    """What a console user may see or do besides workflow actions."""

    VIEW_QUEUE = "view_queue"
    VIEW_ALL_UNITS = "view_all_units"  # every unit's tickets (else only one's own unit's)
    VIEW_MAP = "view_map"
    VIEW_BOXES = "view_boxes"
    VIEW_STATS = "view_stats"
    VIEW_PATROL = "view_patrol"  # the daily patrol of watched places (a unit: its cells)
    RECEIVE = "receive"  # open a case by hand (patrol, citizen, hotline)
    ADMINISTER = "administer"  # accounts, roles, units, API keys
    REVIEW_DEAD_LETTERS = "review_dead_letters"  # the ingest's refused messages: retry, drop


R, A = Role, Action
_CENTER = frozenset({R.DUTY_CHIEF, R.DISPATCHER, R.SYSTEM})
_CHIEF = frozenset({R.DUTY_CHIEF, R.SYSTEM})
_UNIT = frozenset({R.UNIT_HANDLER})
_CHECK = frozenset({R.INSPECTOR, R.DUTY_CHIEF})

WORKFLOW: dict[Action, frozenset[Role]] = {
    A.REGISTER: _CENTER,
    A.VOID: _CENTER,
    A.MARK_DUPLICATE: _CENTER,
    A.DISPATCH: _CENTER,
    A.REDISPATCH: _CENTER,
    A.ACCEPT: _UNIT,
    A.RETURN: _UNIT,
    A.REQUEST_EXTENSION: _UNIT,
    A.REPORT: _UNIT,
    A.APPROVE_EXTENSION: _CHIEF,
    A.REJECT_EXTENSION: _CHIEF,
    A.SUSPEND: _CHIEF,
    A.RESUME: _CHIEF,
    A.VERIFY_PASS: _CHECK,
    A.VERIFY_FAIL: _CHECK,
    A.CLOSE: _CHIEF,
}
"""Roles allowed to take each workflow action (leaders and administrators take none)."""

_STAFF = frozenset({R.DUTY_CHIEF, R.DISPATCHER, R.INSPECTOR, R.LEADER})
RIGHTS: dict[Right, frozenset[Role]] = {
    Right.VIEW_QUEUE: _STAFF | {R.UNIT_HANDLER},
    Right.VIEW_ALL_UNITS: _STAFF,
    Right.VIEW_MAP: _STAFF,
    Right.VIEW_BOXES: _STAFF | {R.ADMIN},
    Right.VIEW_STATS: _STAFF,
    Right.VIEW_PATROL: _STAFF | {R.UNIT_HANDLER},
    Right.RECEIVE: frozenset({R.DUTY_CHIEF, R.DISPATCHER}),
    Right.ADMINISTER: frozenset({R.ADMIN}),
    Right.REVIEW_DEAD_LETTERS: frozenset({R.DUTY_CHIEF, R.ADMIN}),
}
del R, A

_MISSING = [a.value for a in Action if a not in WORKFLOW]
if _MISSING:  # pragma: no cover - checked at import
    raise RuntimeError(f"workflow actions without a permission row: {', '.join(_MISSING)}")


def may(role: Role, action: Action) -> bool:
    """Whether ``role`` may take ``action`` at all (unit scope aside)."""
    return role in WORKFLOW[action]


def has_right(role: Role, right: Right) -> bool:
    return role in RIGHTS[right]


def require_right(role: Role, right: Right) -> None:
    """Raise :class:`NotPermitted` unless ``role`` has ``right``."""
    if not has_right(role, right):
        roles = tuple(sorted(r.value for r in RIGHTS[right]))
        raise NotPermitted("right_not_for_role", right=right, roles=roles, role=role)


def actions_of(role: Role) -> list[Action]:
    """The workflow actions ``role`` may take, in workflow order."""
    return [a for a in Action if role in WORKFLOW[a]]


def _station_of(ticket: Ticket, center: CenterConfig) -> str | None:
    cell = center.cells.get(ticket.grid_cell)
    return cell.station if cell is not None else None


def _is_station(unit: str | None, center: CenterConfig) -> bool:
    return any(u.id == unit and u.kind is UnitKind.LINKAGE_STATION for u in center.units)


def refusal(
    ticket: Ticket, action: Action, args: ActionArgs, center: CenterConfig
) -> Message | None:
    """Why ``args.role`` (for ``args.unit``) may not do ``action`` on ``ticket``; None if it may."""
    who = {"actor": args.actor, "action": action}
    if not may(args.role, action):
        roles = tuple(sorted(r.value for r in WORKFLOW[action] if r is not Role.SYSTEM))
        return Message("role_may_not_act", {**who, "roles": roles, "role": args.role})
    if args.role is Role.UNIT_HANDLER and args.unit is not None and args.unit not in ticket.units:
        return Message("unit_may_not_act", {**who, "unit": args.unit, "units": ticket.units})
    if args.role is Role.INSPECTOR and _is_station(args.unit, center):
        station = _station_of(ticket, center)
        if station != args.unit:
            values = {"cell": ticket.grid_cell, "station": station, "unit": args.unit}
            return Message("station_may_not_act", {**who, **values})
    return None


def authorize(ticket: Ticket, action: Action, args: ActionArgs, center: CenterConfig) -> None:
    """Raise :class:`NotPermitted` unless ``args.role`` (for ``args.unit``) may do ``action``."""
    reason = refusal(ticket, action, args, center)
    if reason:
        raise NotPermitted("on_ticket", ticket=ticket.id, reason=reason)


def can_see(role: Role, unit: str | None, ticket: Ticket) -> bool:
    """Whether a user of ``role`` in ``unit`` may see ``ticket`` (a unit: only its own)."""
    if has_right(role, Right.VIEW_ALL_UNITS):
        return True
    return role is Role.UNIT_HANDLER and unit is not None and unit in ticket.units
