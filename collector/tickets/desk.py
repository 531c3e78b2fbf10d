"""What a person at the center does to tickets, as one call each: the service the command line
(and a console) calls, so no front end holds a workflow rule.

- :class:`Actor`: who acts, in which role (or the one their membership gives), and when;
- :func:`action_args`: the arguments of a step; the actor must be an existing member (a console
  account or a member in units.yaml, :func:`collector.accounts.resolve_actor`), acts in their
  own role and for their own unit, and may not claim another role or speak for another unit;
- :func:`act`: do one step; a dispatch without mode and units takes the routing proposal;
- :func:`receive_case`: receive a case reported by a patrol, a citizen or the hotline;
- :func:`intake_member`: the member an Open311 write key acts for, who must have the right to
  receive cases (checked when the key is made and at every request).

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

from collector.accounts import Principal, resolve_actor
from collector.config.models import CenterConfig, Role
from collector.errors import NotPermitted, TicketError
from collector.grid.store import load_center
from collector.tickets.model import Ticket
from collector.tickets.permissions import Right, require_right
from collector.tickets.repo import NewTicket, get_ticket, receive
from collector.tickets.routing import route
from collector.tickets.service import apply_action
from collector.tickets.workflow import Action, ActionArgs

__all__ = [
    "Actor",
    "CaseReport",
    "action_args",
    "act",
    "receive_case",
    "intake_member",
]


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


def action_args(
    db: sqlite_utils.Database, center: CenterConfig, who: Actor, **fields: Any
) -> ActionArgs:
    """The step's arguments, in the member's own role and for their own unit (NotPermitted for
    an unknown actor, a claimed role that is not theirs or another unit named)."""
    member = resolve_actor(db, center, who.actor, who.role)
    given = fields.pop("unit", None)
    if given is not None and given != member.unit:
        raise NotPermitted("acts_for_other_unit", actor=member.actor, unit=member.unit, given=given)
    return ActionArgs(actor=member.actor, role=member.role, at=who.at, unit=member.unit, **fields)


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
    return apply_action(db, ticket_id, action, action_args(db, center, who, **fields), center)


def intake_member(db: sqlite_utils.Database, actor: str) -> Principal:
    """The member ``actor``, who may receive cases (NotPermitted: unknown, disabled, or a role
    without :attr:`Right.RECEIVE`)."""
    member = resolve_actor(db, load_center(db), actor)
    require_right(member.role, Right.RECEIVE)
    return member


def receive_case(
    db: sqlite_utils.Database, who: Actor, case: CaseReport, via_key: str | None = None
) -> Ticket:
    """Receive a reported case in a known category and grid cell, as a member with the right
    to receive cases (``via_key``: the Open311 key it came through, kept in the audit row)."""
    center = load_center(db)
    if case.category not in {c.code for c in center.categories}:
        raise TicketError("unknown_category", code=case.category)
    if case.cell not in center.cells:
        raise TicketError("unknown_cell", code=case.cell)
    args = action_args(db, center, who)
    require_right(args.role, Right.RECEIVE)
    new = NewTicket(
        case.category, case.cell, case.title, who.at, source=case.source, urgent=case.urgent
    )
    data = {"api_key": via_key} if via_key else None
    return receive(db, new, args.actor, args.role, data=data)
