"""Rich tables and JSON documents of tickets for the duty chief's commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils
from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from collector.config.models import CenterConfig
from collector.tickets import Ticket, allowed_actions, sla, ticket_history, ticket_timeline
from collector.tickets.detail import proposal

__all__ = ["tickets_table", "ticket_panel", "history_table"]

LIGHT_STYLE = {"green": "green", "yellow": "yellow", "red": "bold red", "none": "dim"}


def _local(ts: datetime | None, center: CenterConfig) -> str:
    return "" if ts is None else ts.astimezone(center.calendar.tz()).strftime("%Y-%m-%d %H:%M")


def tickets_table(tickets: list[Ticket], center: CenterConfig, now: datetime) -> Table:
    table = Table(title=f"{len(tickets)} ticket(s)")
    for col in ("id", "state", "cat", "cell", "units", "prio", "sla", "due", "title"):
        table.add_column(col)
    for t in tickets:
        light = sla(t, now, center).light
        table.add_row(
            str(t.id),
            t.state.value,
            t.category,
            t.grid_cell,
            ", ".join(t.units),
            str(t.priority) + ("!" if t.urgent else ""),
            f"[{LIGHT_STYLE[light]}]{light}[/]",
            _local(t.due_at, center),
            t.title,
        )
    return table


def ticket_panel(
    db: sqlite_utils.Database, t: Ticket, center: CenterConfig, now: datetime
) -> Panel:
    status = sla(t, now, center)
    cell = center.cells.get(t.grid_cell)
    used = "" if status.used_fraction is None else f" ({status.used_fraction:.0%} used)"
    lines = [
        f"[bold]{t.title}[/bold]",
        f"state {t.state.value}   category {t.category}   priority {t.priority}"
        + ("   urgent" if t.urgent else "")
        + ("   supervised" if t.supervised else ""),
        f"cell {t.grid_cell}" + (f" {cell.name} (station {cell.station})" if cell else ""),
        *(
            [f"case number {t.case_number} (the order this case follows up)"]
            if t.case_number
            else []
        ),
        f"mode {t.mode or '-'}   units {', '.join(t.units) or '-'}",
        _proposal_line(t, center),
        f"received {_local(t.received_at, center)}   due {_local(t.due_at, center) or '-'}"
        f"   SLA [{LIGHT_STYLE[status.light]}]{status.light}[/]{used}",
        f"returns {t.returns} ({t.returns_no_reason} without reason)   reworks {t.reworks}"
        f"   extensions {t.extensions}",
        f"next: {', '.join(a.value for a in allowed_actions(t.state)) or '(final)'}",
    ]
    if t.result_note:
        lines.append(
            f"result: {t.result_note}" + (f"  [photo {t.result_photo}]" if t.result_photo else "")
        )
    events = ticket_timeline(db, t.id)
    timeline = Table("observed", "incident", "seq", "level", "state", "count", title="timeline")
    for e in events:
        timeline.add_row(
            _local(e.observed_at, center),
            e.incident_id[-8:],
            str(e.seq),
            e.level,
            e.state,
            str(e.metrics.get("count", "")),
        )
    parts: list[Any] = ["\n".join(lines)]
    if events:
        parts.append(timeline)
    return Panel(Group(*parts), title=f"ticket {t.id}", expand=False)


def _proposal_line(t: Ticket, center: CenterConfig) -> str:
    p = proposal(t, center)
    if p is None:
        return "proposed: -"
    return f"proposed: {p['mode']} to {', '.join(p['units'])} ({p['source']})"  # type: ignore[arg-type]


def history_table(db: sqlite_utils.Database, ticket_id: int) -> Table:
    table = Table("at (UTC)", "action", "from", "to", "actor", "role", "note", title="history")
    for r in ticket_history(db, ticket_id):
        table.add_row(
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            r.action,
            r.from_state or "",
            r.to_state,
            r.actor,
            r.role,
            " ".join(filter(None, [r.note, _via(r.data)])),
        )
    return table


def _via(data: dict | None) -> str:
    """The Open311 key a step came through (the actor is the member the key acts for)."""
    key = (data or {}).get("api_key")
    return f"(via api-key:{key})" if key else ""
