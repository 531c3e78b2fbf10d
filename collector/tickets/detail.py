"""A ticket as one JSON document: its fields and SLA light, and with ``detail`` what the duty
chief reads beside it (routing proposal, next actions, dispatches, history, timeline, notices)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig
from collector.tickets.escalation import list_notices
from collector.tickets.model import Ticket
from collector.tickets.repo import ticket_dispatches, ticket_history, ticket_timeline
from collector.tickets.routing import route
from collector.tickets.sla import sla
from collector.tickets.workflow import allowed_actions

__all__ = ["ticket_document", "proposal"]


def proposal(t: Ticket, center: CenterConfig) -> dict[str, object] | None:
    """The routing proposal of ``t`` (None when its category is no longer configured)."""
    if t.category not in {c.code for c in center.categories}:
        return None
    return route(center, t.grid_cell, t.category).to_json()


def ticket_document(
    db: sqlite_utils.Database, t: Ticket, center: CenterConfig, now: datetime, detail: bool = True
) -> dict[str, Any]:
    """The ticket as JSON at ``now``; with ``detail`` its history, timeline and the rest."""
    out = t.to_json()
    out["sla"] = sla(t, now, center).to_json()
    if detail:
        out["proposed"] = proposal(t, center)
        out["allowed_actions"] = [a.value for a in allowed_actions(t.state)]
        out["dispatches"] = ticket_dispatches(db, t.id)
        out["history"] = [r.to_json() for r in ticket_history(db, t.id)]
        out["timeline"] = [e.to_json() for e in ticket_timeline(db, t.id)]
        out["notices"] = list_notices(db, t.id)
    return out
