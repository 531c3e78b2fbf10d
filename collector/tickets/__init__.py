"""Enforcement tickets: the workflow table, the ticket store and filing incidents as tickets.

Public API (library first; the CLI and an HTTP layer call these):

- :func:`file_incident` - file one incident payload (idempotent on ``event_id``);
- :func:`receive` / :class:`NewTicket` - a manual case (patrol, citizen);
- :func:`apply_action` with :class:`Action` and :class:`ActionArgs` - every workflow step;
- :func:`get_ticket`, :func:`list_tickets`, :func:`ticket_history`, :func:`ticket_timeline`,
  :func:`ticket_dispatches` - reads;
- :func:`route` - the proposed units and mode (cell, routing rules, category defaults);
- :func:`sla` - the SLA light; :mod:`collector.tickets.escalation` - the scheduler.
"""

from collector.config.models import Mode, Role
from collector.tickets.intake import TicketChange, file_incident
from collector.tickets.model import AuditRow, Ticket, TimelineEvent
from collector.tickets.repo import (
    NewTicket,
    get_ticket,
    list_tickets,
    receive,
    ticket_dispatches,
    ticket_history,
    ticket_timeline,
)
from collector.tickets.routing import Route, route
from collector.tickets.service import apply_action, check_action
from collector.tickets.sla import Sla, sla
from collector.tickets.workflow import TABLE, Action, ActionArgs, State, allowed_actions

__all__ = [
    "file_incident",
    "TicketChange",
    "Ticket",
    "AuditRow",
    "TimelineEvent",
    "NewTicket",
    "receive",
    "get_ticket",
    "list_tickets",
    "ticket_history",
    "ticket_timeline",
    "ticket_dispatches",
    "Route",
    "route",
    "apply_action",
    "check_action",
    "Sla",
    "sla",
    "TABLE",
    "State",
    "Action",
    "ActionArgs",
    "allowed_actions",
    "Mode",
    "Role",
]
