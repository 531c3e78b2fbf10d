"""Time limits and the SLA light of a ticket, computed on its clock (pure functions).

A ticket's clock starts at dispatch with a budget of working seconds (the category's time limit,
or its urgent limit for an urgent ticket). Suspension pauses it: the working time spent suspended
is added to ``paused_s`` on resume and the due time moves accordingly. The clock stops when the
unit reports its result; a failed verification sets it running again.

Light: ``green`` below ``yellow_at`` (default 80%) of the budget used, ``yellow`` from there,
``red`` once overdue; ``none`` when no unit is on the clock (not yet dispatched, returned, void).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collector.config.models import CenterConfig, ClockKind
from collector.holidays import warn_once
from collector.tickets.model import Ticket
from collector.tickets.workflow import CLOCK_RUNNING, State
from collector.worktime import Clock

__all__ = ["Sla", "clock_of", "budget_for", "due_time", "used_seconds", "sla"]


@dataclass(frozen=True)
class Sla:
    light: str
    used_fraction: float | None
    due_at: datetime | None
    on_time: bool | None

    def to_json(self) -> dict[str, object]:
        return {
            "light": self.light,
            "used_fraction": None if self.used_fraction is None else round(self.used_fraction, 4),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "on_time": self.on_time,
        }


def clock_of(ticket_clock: str | None, center: CenterConfig) -> Clock:
    return center.calendar.clock(ClockKind(ticket_clock or ClockKind.WORKING.value))


def budget_for(category: str, urgent: bool, center: CenterConfig) -> tuple[str, float]:
    """(clock kind, working seconds) allowed for a ticket of ``category``."""
    cat = center.category(category)
    clock = center.calendar.clock(cat.clock)
    limit = cat.urgent_limit if urgent else cat.time_limit
    return cat.clock.value, limit.seconds(clock)


def due_time(start: datetime, budget_s: float, paused_s: float, clock: Clock) -> datetime:
    """The due time; logs a warning when it falls in a year the holiday library lacks."""
    due = clock.add(start, budget_s + paused_s)
    message = clock.coverage_warning(due)
    if message is not None:
        warn_once(due.year, message)
    return due


def used_seconds(ticket: Ticket, now: datetime, clock: Clock) -> float:
    """Working seconds of the budget used at ``now`` (pauses excluded)."""
    if ticket.clock_start is None:
        return 0.0
    end = now
    if ticket.state in (State.REPORTED, State.VERIFIED, State.CLOSED) and ticket.reported_at:
        end = min(now, ticket.reported_at)
    if ticket.state is State.SUSPENDED and ticket.suspended_at is not None:
        end = min(now, ticket.suspended_at)
    return max(0.0, clock.working_seconds(ticket.clock_start, end) - ticket.paused_s)


def sla(ticket: Ticket, now: datetime, center: CenterConfig) -> Sla:
    """The ticket's light at ``now``."""
    if ticket.budget_s is None or ticket.clock_start is None:
        return Sla("none", None, None, None)
    clock = clock_of(ticket.clock, center)
    used = used_seconds(ticket, now, clock) / ticket.budget_s
    done = ticket.state in (State.REPORTED, State.VERIFIED, State.CLOSED)
    on_time = used <= 1.0 if done else None
    if ticket.state not in CLOCK_RUNNING and ticket.state is not State.SUSPENDED and not done:
        return Sla("none", used, ticket.due_at, None)
    if used > 1.0:
        light = "red"
    elif used >= center.policy.escalation.yellow_at:
        light = "yellow"
    else:
        light = "green"
    return Sla(light, used, ticket.due_at, on_time)
