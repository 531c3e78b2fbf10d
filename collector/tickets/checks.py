"""Consistency checks of a stored ticket against its audit trail (a store "fsck").

:func:`ticket_problems` lists every way a ticket disagrees with the workflow: its history must be a
chain of table transitions ending in its state, its timestamps must fit its state and be in order,
its counters must match the history, and its due time must follow from its clock.
"""

from __future__ import annotations

from datetime import timedelta

from collector.config.models import CenterConfig
from collector.tickets.model import AuditRow, Ticket
from collector.tickets.sla import clock_of, due_time
from collector.tickets.workflow import TABLE, Action, State

__all__ = ["ticket_problems"]

S = State
_AFTER = {
    "registered_at": set(S) - {S.RECEIVED, S.VOID, S.DUPLICATE},
    "dispatched_at": {
        S.DISPATCHED,
        S.ACCEPTED,
        S.EXTENSION_REQUESTED,
        S.SUSPENDED,
        S.REPORTED,
        S.VERIFIED,
        S.CLOSED,
        S.RETURNED,
    },
    "accepted_at": {
        S.ACCEPTED,
        S.EXTENSION_REQUESTED,
        S.SUSPENDED,
        S.REPORTED,
        S.VERIFIED,
        S.CLOSED,
    },
    "reported_at": {S.REPORTED, S.VERIFIED, S.CLOSED},
    "verified_at": {S.VERIFIED, S.CLOSED},
    "closed_at": {S.CLOSED},
    "suspended_at": {S.SUSPENDED},
    "extension_request_s": {S.EXTENSION_REQUESTED},
    "voided_at": {S.VOID, S.DUPLICATE},
    "returned_at": {S.RETURNED},
}
_NEVER = {
    "registered_at": {S.RECEIVED},
    "accepted_at": {S.DISPATCHED, S.RETURNED, S.RECEIVED, S.REGISTERED},
    "reported_at": {S.ACCEPTED, S.EXTENSION_REQUESTED, S.SUSPENDED, S.DISPATCHED},
    "closed_at": set(S) - {S.CLOSED},
    "suspended_at": set(S) - {S.SUSPENDED},
    "extension_request_s": set(S) - {S.EXTENSION_REQUESTED},
}
_ORDER = (
    "received_at",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "reported_at",
    "verified_at",
    "closed_at",
)


#: History rows that record a change of a ticket but not a workflow step (the state stays).
NOTE_ACTIONS = (
    "raise_priority",
    "supervise",
    "remind",
    "discipline",
    "device_fault",
    "device_recovered",
)


def _history_problems(t: Ticket, history: list[AuditRow]) -> list[str]:
    if not history or (history[0].action, history[0].to_state) != ("receive", S.RECEIVED.value):
        return ["history does not start with receive -> received"]
    problems = []
    for prev, row in zip(history, history[1:], strict=False):
        if row.from_state != prev.to_state:
            problems.append(f"audit {row.id}: from {row.from_state} but was {prev.to_state}")
        if row.at < prev.at:
            problems.append(f"audit {row.id}: time goes backwards")
        if row.action in NOTE_ACTIONS:
            if row.from_state != row.to_state:
                problems.append(f"audit {row.id}: {row.action} changed the state")
            continue
        tr = TABLE.get((S(row.from_state), Action(row.action))) if row.from_state else None
        if tr is None or tr.next.value != row.to_state:
            problems.append(
                f"audit {row.id}: {row.from_state} --{row.action}--> {row.to_state} "
                "is not in the table"
            )
    if history[-1].to_state != t.state.value:
        problems.append(f"state {t.state} but history ends in {history[-1].to_state}")
    if t.updated_at != history[-1].at:
        problems.append("updated_at is not the time of the last step")
    return problems


def _count_problems(t: Ticket, history: list[AuditRow]) -> list[str]:
    def n(action: str) -> int:
        return sum(r.action == action for r in history)

    counts = {
        "returns": n("return"),
        "returns_no_reason": sum(
            r.action == "return" and not r.data.get("with_reason") for r in history
        ),
        "reworks": n("verify_fail"),
        "extensions": n("approve_extension"),
        "falsified": sum(
            r.action == "verify_fail" and bool(r.data.get("falsified")) for r in history
        ),
    }
    return [
        f"{k} = {getattr(t, k)} but history has {v}"
        for k, v in counts.items()
        if getattr(t, k) != v
    ]


def _field_problems(t: Ticket) -> list[str]:
    problems = [
        f"{f} missing in state {t.state}"
        for f, states in _AFTER.items()
        if t.state in states and getattr(t, f) is None
    ]
    problems += [
        f"{f} set in state {t.state}"
        for f, states in _NEVER.items()
        if t.state in states and getattr(t, f) is not None
    ]
    stamps = [(f, getattr(t, f)) for f in _ORDER if getattr(t, f) is not None]
    problems += [
        f"{a} after {b}" for (a, x), (b, y) in zip(stamps, stamps[1:], strict=False) if x > y
    ]
    if t.state is S.RETURNED and t.units:
        problems.append("a returned ticket still has active units")
    if t.state in _AFTER["accepted_at"] | {S.DISPATCHED} and not t.units:
        problems.append(f"no active unit in state {t.state}")
    return problems


def ticket_problems(t: Ticket, history: list[AuditRow], center: CenterConfig) -> list[str]:
    """Every inconsistency of ``t`` with its ``history`` (empty list: consistent)."""
    problems = _history_problems(t, history) + _count_problems(t, history) + _field_problems(t)
    if t.clock_start is not None and t.budget_s is not None and t.due_at is not None:
        expected = due_time(t.clock_start, t.budget_s, t.paused_s, clock_of(t.clock, center))
        if abs(expected - t.due_at) > timedelta(milliseconds=1):
            problems.append(
                f"due_at {t.due_at.isoformat()} but the clock says {expected.isoformat()}"
            )
    return problems
