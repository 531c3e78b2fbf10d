"""The escalation scheduler: given ``now``, what reminders and notices are due (pure), and a thin
function that writes them (idempotent: each notice has a unique key).

- yellow light (>= ``yellow_at`` of the time used): a **reminder** to each responsible unit;
- red light (overdue): **supervision** - a notice to the center, and the ticket is flagged
  supervised;
- overdue by more than ``discipline_overdue_hours`` (clock hours past the due time): a
  **discipline** record for the discipline office, per responsible unit;
- a unit that returned a ticket without a reason: a **discipline** record, once per return.

``collector tickets escalate [--now ...]`` runs :func:`escalate` once (from cron or a timer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig, Role
from collector.store import write_transaction
from collector.tickets.effects import center_unit
from collector.tickets.model import AuditRow, Ticket, to_db_time
from collector.tickets.repo import list_tickets, write_audit
from collector.tickets.sla import sla
from collector.tickets.workflow import CLOCK_RUNNING, State

__all__ = ["Notice", "plan_escalations", "escalate", "list_notices"]


@dataclass(frozen=True)
class Notice:
    key: str
    ticket_id: int
    kind: str
    recipient: str
    unit: str | None
    at: datetime
    reason: str

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "at": self.at.isoformat()}


def _ticket_notices(t: Ticket, now: datetime, center: CenterConfig) -> list[Notice]:
    status = sla(t, now, center)
    if status.light not in ("yellow", "red"):
        return []
    rnd = to_db_time(t.clock_start)
    pct = f"{(status.used_fraction or 0) * 100:.0f}% of the time limit used"
    out = [Notice(f"reminder:{t.id}:{u}:{rnd}", t.id, "reminder", u, u, now, pct) for u in t.units]
    if status.light == "red":
        out.append(
            Notice(
                f"supervision:{t.id}:{rnd}",
                t.id,
                "supervision",
                center_unit(center),
                None,
                now,
                f"overdue since {t.due_at.isoformat() if t.due_at else '?'}",
            )
        )
        esc = center.policy.escalation
        late_h = (now - t.due_at).total_seconds() / 3600 if t.due_at else 0.0
        if late_h > esc.discipline_overdue_hours and t.state is not State.SUSPENDED:
            out += [
                Notice(
                    f"discipline-overdue:{t.id}:{u}:{rnd}",
                    t.id,
                    "discipline",
                    esc.discipline_office,
                    u,
                    now,
                    f"overdue by {late_h:.1f} h",
                )
                for u in t.units
            ]
    return out


def plan_escalations(
    tickets: list[Ticket], returns: list[AuditRow], now: datetime, center: CenterConfig
) -> list[Notice]:
    """Every notice due at ``now`` (already-sent ones included; the store ignores repeats)."""
    notices: list[Notice] = []
    for t in tickets:
        if t.state in CLOCK_RUNNING or t.state is State.SUSPENDED:
            notices += _ticket_notices(t, now, center)
    office = center.policy.escalation.discipline_office
    for r in returns:
        if r.action == "return" and not r.data.get("with_reason", True) and r.at <= now:
            unit = r.data.get("unit")
            notices.append(
                Notice(
                    f"discipline-return:{r.id}",
                    r.ticket_id,
                    "discipline",
                    office,
                    unit,
                    now,
                    f"returned without a reason by {unit or r.actor} at {r.at.isoformat()}",
                )
            )
    return notices


def escalate(db: sqlite_utils.Database, now: datetime, center: CenterConfig) -> list[Notice]:
    """Run the scheduler once; returns the notices that were new."""
    new: list[Notice] = []
    # read and write under one write lock, so a step taken meanwhile cannot be escalated stale
    with write_transaction(db):
        tickets = [t for s in (*CLOCK_RUNNING, State.SUSPENDED) for t in list_tickets(db, state=s)]
        rows = db.query("SELECT * FROM ticket_audit WHERE action = 'return' ORDER BY id")
        returns = [AuditRow.from_row(r) for r in rows]
        state_of = {t.id: t.state.value for t in tickets}
        for n in plan_escalations(tickets, returns, now, center):
            cursor = db.execute(
                "INSERT OR IGNORE INTO notifications "
                "(key, ticket_id, kind, recipient, unit, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [n.key, n.ticket_id, n.kind, n.recipient, n.unit, to_db_time(n.at), n.reason],
            )
            if cursor.rowcount:
                new.append(n)
                if n.kind == "supervision":
                    # the center now follows the ticket: a history row, so the feed shows it too
                    db.execute(
                        "UPDATE tickets SET supervised = 1, updated_at = ? WHERE id = ?",
                        [to_db_time(now), n.ticket_id],
                    )
                    state = state_of[n.ticket_id]
                    write_audit(
                        db,
                        n.ticket_id,
                        ("supervise", state, state),
                        ("scheduler", Role.SYSTEM.value),
                        now,
                        n.reason,
                    )
    return new


def list_notices(
    db: sqlite_utils.Database, ticket_id: int | None = None
) -> list[dict[str, object]]:
    """Stored notices, oldest first."""
    where, params = ("WHERE ticket_id = ?", [ticket_id]) if ticket_id is not None else ("", [])
    return [dict(r) for r in db.query(f"SELECT * FROM notifications {where} ORDER BY id", params)]
