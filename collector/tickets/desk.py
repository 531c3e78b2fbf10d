"""What a person at the center does to tickets, as one call each: the service the command line
(and a console) calls, so no front end holds a workflow rule.

- :class:`Actor`: who acts, in which role (or the one their membership gives), and when;
- :func:`action_args`: the arguments of a step; a configured member acts in their role and for
  their unit, and may not claim another role;
- :func:`act`: do one step; a dispatch without mode and units takes the routing proposal;
- :func:`receive_case`: receive a case reported by a patrol, a citizen or the hotline.

Example:
    >>> from datetime import datetime, timezone
    >>> from collector.grid import import_center, read_center
    >>> from collector.store import open_store
    >>> center, _, geo = read_center("configs/grid/cells.geojson")
    >>> db = open_store(":memory:")
    >>> _ = import_center(db, center, geo, "example")
    >>> chief = Actor("wang.duty", None, datetime(2015, 5, 4, 9, 0, tzinfo=timezone.utc))
    >>> t = receive_case(db, chief, CaseReport("0101", "330421101002005", "new shed"))
    >>> t = act(db, t.id, Action.REGISTER, chief)
    >>> act(db, t.id, Action.DISPATCH, chief).units   # routed: the cell's own squad
    ('xitang-squad',)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig, Role
from collector.errors import GuardFailed, TicketError
from collector.grid.store import load_center
from collector.tickets.model import Ticket
from collector.tickets.repo import NewTicket, get_ticket, receive
from collector.tickets.routing import route
from collector.tickets.service import apply_action
from collector.tickets.workflow import Action, ActionArgs

__all__ = [
    "Actor",
    "CaseReport",
    "UNIT_ACTIONS",
    "CHECK_ACTIONS",
    "default_role",
    "action_args",
    "act",
    "receive_case",
]

UNIT_ACTIONS = frozenset({Action.ACCEPT, Action.RETURN, Action.REPORT, Action.REQUEST_EXTENSION})
"""Steps a unit takes; a configured member of a unit takes them for that unit."""

CHECK_ACTIONS = frozenset({Action.VERIFY_PASS, Action.VERIFY_FAIL})


@dataclass(frozen=True)
class Actor:
    """Who acts (the audit trail's actor), the role they claim (None: their own) and when."""

    actor: str
    role: Role | None
    at: datetime

    def __post_init__(self) -> None:
        if not self.actor:
            raise ValueError("an actor needs a name")
        if self.at.tzinfo is None:
            raise ValueError(f"an actor's time needs a zone; got {self.at.isoformat()}")


@dataclass(frozen=True)
class CaseReport:
    """A case as a patrol, a citizen or the hotline reports it."""

    category: str
    cell: str
    title: str
    source: str = "manual"
    urgent: bool = False


def default_role(action: Action | None) -> Role:
    """The role of someone not configured: unit handler for unit steps, inspector for checks."""
    if action in UNIT_ACTIONS:
        return Role.UNIT_HANDLER
    return Role.INSPECTOR if action in CHECK_ACTIONS else Role.DUTY_CHIEF


def action_args(
    center: CenterConfig, who: Actor, action: Action | None, **fields: Any
) -> ActionArgs:
    """The step's arguments; a configured member acts in their role and for their unit."""
    found = center.member(who.actor)
    if found and who.role and who.role is not found[1].role:
        raise GuardFailed(f"{who.actor} is {found[1].role.value} of {found[0].id}, not {who.role}")
    role = who.role or (found[1].role if found else default_role(action))
    if found and action in UNIT_ACTIONS and fields.get("unit") is None:
        fields["unit"] = found[0].id
    return ActionArgs(actor=who.actor, role=role, at=who.at, **fields)


def act(
    db: sqlite_utils.Database, ticket_id: int, action: Action, who: Actor, **fields: Any
) -> Ticket:
    """Do ``action`` on the ticket as ``who``; a dispatch naming neither mode nor units is routed
    (cell, routing rules, category defaults)."""
    center = load_center(db)
    if action is Action.DISPATCH and fields.get("mode") is None and not fields.get("units"):
        t = get_ticket(db, ticket_id)
        proposal = route(center, t.grid_cell, t.category)
        fields = {**fields, "mode": proposal.mode, "units": proposal.units}
    return apply_action(db, ticket_id, action, action_args(center, who, action, **fields), center)


def receive_case(db: sqlite_utils.Database, who: Actor, case: CaseReport) -> Ticket:
    """Receive a reported case in a known category and grid cell."""
    center = load_center(db)
    if case.category not in {c.code for c in center.categories}:
        raise TicketError(f"unknown category {case.category!r}")
    if case.cell not in center.cells:
        raise TicketError(f"unknown grid cell {case.cell!r}")
    args = action_args(center, who, None)
    new = NewTicket(
        case.category, case.cell, case.title, who.at, source=case.source, urgent=case.urgent
    )
    return receive(db, new, args.actor, args.role)
