"""Apply a workflow action to a stored ticket: the new state, its effects and an audit row, all in
one transaction. An action the table does not allow raises :class:`IllegalAction` naming the state
and the allowed actions; a failed guard or a role not allowed raises :class:`GuardFailed`.

Example:
    >>> from datetime import datetime, timedelta, timezone
    >>> from collector.grid import read_center
    >>> from collector.store import open_store
    >>> from collector.tickets.repo import NewTicket, receive
    >>> center, _, _ = read_center("configs/grid/cells.geojson")
    >>> db = open_store(":memory:")
    >>> t0 = datetime(2015, 4, 30, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    >>> t = receive(db, NewTicket("0101", "330421101002005", "new shed", t0), "wang.duty",
    ...             Role.DUTY_CHIEF)
    >>> chief = dict(actor="wang.duty", role=Role.DUTY_CHIEF)
    >>> t = apply_action(db, t.id, Action.REGISTER, ActionArgs(at=t0, **chief), center)
    >>> t = apply_action(db, t.id, Action.DISPATCH, ActionArgs(at=t0, mode=Mode.ASSIGN,
    ...     units=("xitang-squad",), **chief), center)
    >>> t.state.value, t.due_at.astimezone(t0.tzinfo).isoformat()   # 3 working days, May Day off
    ('dispatched', '2015-05-06T09:00:00+08:00')
"""

from __future__ import annotations

import sqlite_utils

from collector.config.models import CenterConfig, Mode, Role
from collector.errors import GuardFailed, IllegalAction
from collector.store import write_transaction
from collector.tickets.effects import EFFECTS
from collector.tickets.model import Ticket
from collector.tickets.permissions import authorize
from collector.tickets.repo import db_values, get_ticket, write_audit
from collector.tickets.workflow import TABLE, Action, ActionArgs, allowed_actions

__all__ = ["apply_action", "check_action", "Action", "ActionArgs", "Mode", "Role"]


def check_action(ticket: Ticket, action: Action, args: ActionArgs) -> None:
    """Raise unless ``action`` may be done on ``ticket`` by ``args.role`` at ``args.at``."""
    transition = TABLE.get((ticket.state, action))
    if transition is None:
        allowed = [a.value for a in allowed_actions(ticket.state)]
        raise IllegalAction(str(ticket.id), ticket.state.value, action.value, allowed)
    if args.role not in transition.roles:
        roles = tuple(sorted(r.value for r in transition.roles))
        raise GuardFailed(
            "action_not_for_role", ticket=ticket.id, action=action, roles=roles, role=args.role
        )
    if args.at < ticket.updated_at:
        raise GuardFailed(
            "step_before_last", ticket=ticket.id, action=action, at=args.at, last=ticket.updated_at
        )
    for guard in transition.guards:
        reason = guard(ticket, args)
        if reason:
            raise GuardFailed("guard_failed", ticket=ticket.id, action=action, reason=reason)


def _write_units(
    db: sqlite_utils.Database, ticket: Ticket, units: tuple[str, ...], at: str
) -> None:
    db.execute("UPDATE ticket_units SET active = 0 WHERE ticket_id = ?", [ticket.id])
    for unit in units:
        db.execute(
            "INSERT INTO ticket_units (ticket_id, unit, dispatched_at, active) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (ticket_id, unit) DO UPDATE "
            "SET active = 1, dispatched_at = excluded.dispatched_at",
            [ticket.id, unit, at],
        )


def apply_action(
    db: sqlite_utils.Database,
    ticket_id: int,
    action: Action,
    args: ActionArgs,
    center: CenterConfig,
) -> Ticket:
    """Do ``action`` on ticket ``ticket_id``; returns the updated ticket."""
    with write_transaction(db):
        ticket = get_ticket(db, ticket_id)
        if (ticket.state, action) in TABLE:  # else check_action names the allowed actions
            authorize(ticket, action, args, center)  # the one permission check of every path
        check_action(ticket, action, args)
        if action is Action.MARK_DUPLICATE:
            get_ticket(db, args.duplicate_of or 0)  # raises TicketNotFound
        transition = TABLE[(ticket.state, action)]
        change = EFFECTS[action](ticket, args, center)
        values = db_values({**change.fields, "state": transition.next.value, "updated_at": args.at})
        assignments = ", ".join(f"{k} = ?" for k in values)
        cursor = db.execute(
            f"UPDATE tickets SET {assignments} WHERE id = ? AND state = ?",
            [*values.values(), ticket.id, ticket.state.value],
        )
        if (
            cursor.rowcount != 1
        ):  # pragma: no cover - another writer moved it inside our transaction
            raise GuardFailed("changed_meanwhile", ticket=ticket.id, action=action)
        if change.units is not None:
            _write_units(db, ticket, change.units, values["updated_at"])
        write_audit(
            db,
            ticket.id,
            (action.value, ticket.state.value, transition.next.value),
            (args.actor, args.role.value),
            args.at,
            args.note,
            change.data,
        )
        return get_ticket(db, ticket.id)
