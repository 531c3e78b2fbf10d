"""The escalation scheduler: given ``now``, what reminders and notices are due (pure), and a thin
function that writes them (idempotent: each notice has a unique key).

- yellow light (>= ``yellow_at`` of the time used): a **reminder** to each responsible unit;
- red light (overdue): **supervision** - a notice to the center, and the ticket is flagged
  supervised;
- overdue by more than ``discipline_overdue_hours`` (clock hours past the due time): a
  **discipline** record for the discipline office, per responsible unit;
- a unit that returned a ticket without a reason: a **discipline** record, once per return.

Each new notice is a ``notifications`` row (its ``key`` is unique per ticket, step and unit) and a
history row (``remind``, ``supervise``, ``discipline``: the feed sends it), committed together: the
long-running collector (:mod:`collector.scheduler`) runs :func:`escalate` on a schedule, and a
step is taken exactly once however often, by however many collectors, and across crashes.
``collector tickets escalate [--now ...]`` runs it once by hand.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig, Role
from collector.store import write_transaction
from collector.tickets.effects import center_unit
from collector.tickets.model import AuditRow, Ticket, to_db_time
from collector.tickets.repo import get_ticket, list_tickets, write_audit
from collector.tickets.sla import sla
from collector.tickets.workflow import CLOCK_RUNNING, State

__all__ = [
    "Notice",
    "NOTICE_ACTIONS",
    "plan_escalations",
    "escalate",
    "escalation_candidates",
    "list_notices",
]


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


def escalate(
    db: sqlite_utils.Database,
    now: datetime,
    center: CenterConfig,
    ticket_ids: Collection[int] | None = None,
) -> list[Notice]:
    """Run the scheduler once (over ``ticket_ids`` only, if given); returns the new notices."""
    new: list[Notice] = []
    # read and write under one write lock, so a step taken meanwhile cannot be escalated stale
    with write_transaction(db):
        tickets, returns = _escalation_inputs(db, ticket_ids)
        state_of = {t.id: t.state.value for t in tickets}
        for n in plan_escalations(tickets, returns, now, center):
            cursor = db.execute(
                "INSERT OR IGNORE INTO notifications "
                "(key, ticket_id, kind, recipient, unit, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [n.key, n.ticket_id, n.kind, n.recipient, n.unit, to_db_time(n.at), n.reason],
            )
            if cursor.rowcount:
                new.append(n)
                _record_notice(db, n, now, state_of)
    return new


def _escalation_inputs(
    db: sqlite_utils.Database, ticket_ids: Collection[int] | None
) -> tuple[list[Ticket], list[AuditRow]]:
    """The tickets on the clock or suspended, and the returns (of ``ticket_ids`` if given)."""
    watched = (*CLOCK_RUNNING, State.SUSPENDED)
    sql = "SELECT * FROM ticket_audit WHERE action = 'return'"
    if ticket_ids is None:
        tickets = [t for s in watched for t in list_tickets(db, state=s)]
        rows = db.query(sql + " ORDER BY id")
    else:
        ids = sorted(set(ticket_ids))
        tickets = [t for i in ids if (t := get_ticket(db, i)).state in watched]
        marks = ", ".join("?" for _ in ids)
        rows = db.query(sql + f" AND ticket_id IN ({marks}) ORDER BY id", ids)
    # a replay escalates to nobody
    replays = {int(r[0]) for r in db.execute("SELECT id FROM tickets WHERE source = 'replay'")}
    returns = [a for r in rows if (a := AuditRow.from_row(r)).ticket_id not in replays]
    return [t for t in tickets if t.id not in replays], returns


NOTICE_ACTIONS = {"reminder": "remind", "supervision": "supervise", "discipline": "discipline"}
"""The history action of each notice kind: a notice is a ticket change the feed sends too."""


def _record_notice(
    db: sqlite_utils.Database, n: Notice, now: datetime, state_of: dict[int, str]
) -> None:
    """The notice's history row, in the transaction of its ``notifications`` row."""
    state = state_of.get(n.ticket_id)
    if state is None:  # a reasonless return of a ticket no longer on the clock
        row = db.execute("SELECT state FROM tickets WHERE id = ?", [n.ticket_id]).fetchone()
        state = str(row[0])
    values: dict[str, object] = {"updated_at": to_db_time(now)}
    if n.kind == "supervision":  # the center now follows the ticket
        values["supervised"] = 1
    db.table("tickets").update(n.ticket_id, values)
    write_audit(
        db,
        n.ticket_id,
        (NOTICE_ACTIONS[n.kind], state, state),
        ("scheduler", Role.SYSTEM.value),
        now,
        n.reason,
        {"key": n.key, "recipient": n.recipient, "unit": n.unit},
    )


def escalation_candidates(db: sqlite_utils.Database) -> list[int]:
    """Ids of the tickets :func:`escalate` may write for: on the clock, suspended, or returned."""
    states = [s.value for s in (*CLOCK_RUNNING, State.SUSPENDED)]
    marks = ", ".join("?" for _ in states)
    sql = (
        f"SELECT id FROM tickets WHERE state IN ({marks}) AND source != 'replay' UNION "
        "SELECT DISTINCT ticket_id FROM ticket_audit WHERE action = 'return' ORDER BY 1"
    )
    return [int(r[0]) for r in db.execute(sql, states).fetchall()]


def list_notices(
    db: sqlite_utils.Database, ticket_id: int | None = None
) -> list[dict[str, object]]:
    """Stored notices, oldest first."""
    where, params = ("WHERE ticket_id = ?", [ticket_id]) if ticket_id is not None else ("", [])
    return [dict(r) for r in db.query(f"SELECT * FROM notifications {where} ORDER BY id", params)]
