"""The analyses of the thematic report, as pure functions over tickets (no store, no clock).

- :func:`hotspots`: (category, cell, week) groups with at least ``min_tickets`` tickets;
- :func:`repeat_places`: places (cell + camera zone) where the same category keeps coming back;
- :func:`overdue`: tickets due by ``as_of`` that were not closed on time (as counted by
  :func:`collector.stats.figures.on_time`);
- :func:`weekly`: tickets received and closed per week, and on-time closures per closing week.

Weeks are ISO weeks in the center's local time zone, labelled ``2026-W27``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from collector.stats.figures import on_time
from collector.tickets.model import Ticket
from collector.tickets.workflow import State

__all__ = [
    "week_of",
    "weeks_between",
    "Hotspot",
    "hotspots",
    "RepeatPlace",
    "repeat_places",
    "Late",
    "overdue",
    "Weekly",
    "weekly",
]

_ENDED = (State.CLOSED, State.VOID, State.DUPLICATE)


def week_of(ts: datetime, tz: tzinfo) -> str:
    """ISO week label of ``ts`` in ``tz``, e.g. ``2026-W27``."""
    year, week, _ = ts.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(start: datetime, end: datetime, tz: tzinfo) -> list[str]:
    """Every week label touched by [start, end), in order."""
    labels: list[str] = []
    day = start.astimezone(tz)
    while day < end:
        label = week_of(day, tz)
        if label not in labels:
            labels.append(label)
        day += timedelta(days=1)
    return labels


@dataclass(frozen=True)
class Hotspot:
    category: str
    cell: str
    week: str
    tickets: int
    still_open: int


def hotspots(tickets: list[Ticket], tz: tzinfo, min_tickets: int = 3) -> list[Hotspot]:
    """Groups with ``min_tickets`` or more, most tickets first."""
    groups: dict[tuple[str, str, str], list[Ticket]] = defaultdict(list)
    for t in tickets:
        groups[(t.category, t.grid_cell, week_of(t.received_at, tz))].append(t)
    out = [
        Hotspot(cat, cell, week, len(ts), sum(t.state not in _ENDED for t in ts))
        for (cat, cell, week), ts in groups.items()
        if len(ts) >= min_tickets
    ]
    return sorted(out, key=lambda h: (-h.tickets, h.week, h.category, h.cell))


@dataclass(frozen=True)
class RepeatPlace:
    cell: str
    zone: str | None
    category: str
    tickets: int
    weeks: int
    after_closure: int
    first: datetime
    last: datetime


def _after_closure(ts: list[Ticket]) -> int:
    """How many tickets were received after an earlier one at the place had been closed."""
    count = 0
    for i, t in enumerate(ts):
        earlier = ts[:i]
        if any(e.closed_at is not None and e.closed_at <= t.received_at for e in earlier):
            count += 1
    return count


def repeat_places(tickets: list[Ticket], tz: tzinfo) -> list[RepeatPlace]:
    """Places with 3+ tickets of one category over 2+ weeks, or 2+ tickets after a closure."""
    groups: dict[tuple[str, str | None, str], list[Ticket]] = defaultdict(list)
    for t in tickets:
        if t.state is not State.DUPLICATE:
            groups[(t.grid_cell, t.zone, t.category)].append(t)
    out = []
    for (cell, zone, cat), ts in groups.items():
        ts = sorted(ts, key=lambda t: (t.received_at, t.id))
        weeks = len({week_of(t.received_at, tz) for t in ts})
        again = _after_closure(ts)
        if (len(ts) >= 3 and weeks >= 2) or again >= 2:
            out.append(
                RepeatPlace(
                    cell, zone, cat, len(ts), weeks, again, ts[0].received_at, ts[-1].received_at
                )
            )
    return sorted(out, key=lambda r: (-r.after_closure, -r.tickets, r.cell, r.category))


@dataclass(frozen=True)
class Late:
    ticket: Ticket
    closed: bool
    late_by: timedelta


def overdue(tickets: list[Ticket], as_of: datetime) -> list[Late]:
    """Tickets with a due time by ``as_of`` that were not closed on time, latest first.

    ``late_by`` runs to the result report for a ticket closed late, to ``as_of`` for one that is
    still open (calendar time, not working time).
    """
    out = []
    for t in tickets:
        if t.due_at is None or t.state in (State.VOID, State.DUPLICATE) or on_time(t):
            continue
        if t.state is State.CLOSED:
            end = t.reported_at or t.closed_at or as_of
            out.append(Late(t, True, max(timedelta(0), end - t.due_at)))
        elif t.due_at <= as_of:
            out.append(Late(t, False, as_of - t.due_at))
    return sorted(out, key=lambda x: (-x.late_by, x.ticket.id))


@dataclass(frozen=True)
class Weekly:
    weeks: list[str]
    received: list[int]
    closed: list[int]
    closed_on_time: list[int]
    by_category: dict[str, list[int]]


def weekly(tickets: list[Ticket], weeks: list[str], tz: tzinfo) -> Weekly:
    """Counts per week: received (by category too), closed and closed on time (by closing week)."""
    received: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    in_time: Counter[str] = Counter()
    cats: dict[str, Counter[str]] = defaultdict(Counter)
    for t in tickets:
        week = week_of(t.received_at, tz)
        received[week] += 1
        cats[t.category][week] += 1
        if t.state is State.CLOSED and t.closed_at is not None:
            closed[week_of(t.closed_at, tz)] += 1
            in_time[week_of(t.closed_at, tz)] += on_time(t)
    return Weekly(
        weeks=weeks,
        received=[received[w] for w in weeks],
        closed=[closed[w] for w in weeks],
        closed_on_time=[in_time[w] for w in weeks],
        by_category={c: [cats[c][w] for w in weeks] for c in sorted(cats)},
    )
