"""Case figures as the center reports them, per unit, cell, category and period (pure).

- **received**: every ticket; each is in exactly one bucket: **solved** (closed), **in progress**
  (received, registered, dispatched, accepted, extension requested, reported, verified),
  **suspended**, **returned** (back at the center, not re-dispatched) or **void** (void, duplicate).
- **completion rate** = solved / received (the center's published 94% = 1,712 / 1,816).
- **due to close** = tickets with a due time that is past at ``as_of``, plus closed tickets (a
  ticket closed early was due to close too).
- **standard closure rate** = closed / due to close; **on-time closure rate** = closed with the
  accepted result reported by the due time (suspensions and approved extensions move the due time)
  / due to close.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from collector.tickets.model import Ticket
from collector.tickets.workflow import State

__all__ = ["Figures", "BUCKETS", "bucket_of", "figures", "on_time", "rate"]

BUCKETS = ("solved", "in_progress", "suspended", "returned", "void")


def bucket_of(state: State) -> str:
    if state is State.CLOSED:
        return "solved"
    if state in (State.VOID, State.DUPLICATE):
        return "void"
    if state is State.SUSPENDED:
        return "suspended"
    if state is State.RETURNED:
        return "returned"
    return "in_progress"


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


def on_time(t: Ticket) -> bool:
    """Closed, and its result (the one that passed) was reported by the due time."""
    return (
        t.state is State.CLOSED
        and t.due_at is not None
        and t.reported_at is not None
        and t.reported_at <= t.due_at
    )


def _due_to_close(t: Ticket, as_of: datetime) -> bool:
    if t.state is State.CLOSED:
        return True
    return (
        t.due_at is not None and t.due_at <= as_of and t.state not in (State.VOID, State.DUPLICATE)
    )


@dataclass(frozen=True)
class Figures:
    received: int
    solved: int
    in_progress: int
    suspended: int
    returned: int
    void: int
    due_to_close: int
    closed_due: int
    closed_on_time: int
    urgent_due: int
    urgent_on_time: int

    @property
    def completion_rate(self) -> float | None:
        return rate(self.solved, self.received)

    @property
    def closure_rate(self) -> float | None:
        return rate(self.closed_due, self.due_to_close)

    @property
    def on_time_closure_rate(self) -> float | None:
        return rate(self.closed_on_time, self.due_to_close)

    @property
    def urgent_on_time_rate(self) -> float | None:
        return rate(self.urgent_on_time, self.urgent_due)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = dict(asdict(self))
        for name in (
            "completion_rate",
            "closure_rate",
            "on_time_closure_rate",
            "urgent_on_time_rate",
        ):
            value = getattr(self, name)
            out[name] = None if value is None else round(value, 4)
        return out


def figures(tickets: list[Ticket], as_of: datetime) -> Figures:
    """The figures of ``tickets`` at ``as_of``."""
    counts = dict.fromkeys(BUCKETS, 0)
    for t in tickets:
        counts[bucket_of(t.state)] += 1
    due = [t for t in tickets if _due_to_close(t, as_of)]
    urgent = [t for t in due if t.urgent]
    return Figures(
        received=len(tickets),
        **counts,
        due_to_close=len(due),
        closed_due=sum(t.state is State.CLOSED for t in due),
        closed_on_time=sum(on_time(t) for t in due),
        urgent_due=len(urgent),
        urgent_on_time=sum(on_time(t) for t in urgent),
    )
