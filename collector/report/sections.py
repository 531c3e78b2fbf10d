"""The sections of the thematic report: each turns the gathered data into a titled table or chart
with one sentence saying how to read it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlite_utils

from collector.config.models import CenterConfig
from collector.report import analysis, charts
from collector.report.data import ReportInput
from collector.report.html import Section, Table
from collector.tickets.repo import ticket_history

__all__ = [
    "GUIDE",
    "center_name",
    "summary",
    "by_category",
    "hotspot_section",
    "repeat_section",
    "league_section",
    "overdue_section",
    "returned_section",
    "trend_section",
    "MAX_ROWS",
]

MAX_ROWS = 40
"""Longest table printed; a note says how many rows were left out."""

REPEAT_ROWS = 25
"""Repeat locations printed (the most persistent first)."""

HOTSPOT_MIN = 3
"""A hotspot is a category, cell and week with at least this many cases."""

GUIDE = [
    "A case (ticket) is one problem reported by a camera, a patrol or a citizen; the center "
    "registers it, dispatches it to a responsible unit with a deadline, checks the result and "
    "closes it.",
    "A grid cell is the smallest management area (a lane, a bridge, a block); its code has 15 "
    "digits and its name says where it is.",
    "Rates: completion = solved ÷ received; closure and on-time closure = closed (on time) ÷ "
    "cases whose deadline had passed or that were closed.",
    "Weeks are calendar weeks (Monday to Sunday) in local time, labelled year-W(week number).",
]


def center_name(center: CenterConfig) -> str:
    return next((u.name for u in center.units if u.kind.value == "center"), "enforcement center")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _local(ts: datetime | None, data: ReportInput) -> str:
    return "" if ts is None else ts.astimezone(data.tz).strftime("%Y-%m-%d %H:%M")


def _cell(data: ReportInput, code: str) -> str:
    info = data.center.cells.get(code)
    return f"{info.name} ({code})" if info else code


def _cat(data: ReportInput, code: str) -> str:
    try:
        return f"{code} {data.center.category(code).name}"
    except KeyError:
        return code


def _unit(data: ReportInput, unit_id: str) -> str:
    return next((u.name for u in data.center.units if u.id == unit_id), unit_id)


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _capped(
    rows: Sequence[Sequence[object]], most: int = MAX_ROWS
) -> tuple[Sequence[Sequence[object]], list[str]]:
    if len(rows) <= most:
        return rows, []
    return rows[:most], [f"{len(rows) - most} more rows not printed (of {len(rows)})."]


def summary(data: ReportInput) -> list[tuple[str, str]]:
    f = data.stats.overall
    return [
        ("cases received", str(f.received)),
        ("solved (closed)", str(f.solved)),
        ("in progress", str(f.in_progress)),
        ("completion rate (solved ÷ received)", _pct(f.completion_rate)),
        ("suspended / returned / void", f"{f.suspended} / {f.returned} / {f.void}"),
        ("cases due to close", str(f.due_to_close)),
        ("closure rate", _pct(f.closure_rate)),
        ("on-time closure rate", _pct(f.on_time_closure_rate)),
    ]


def by_category(data: ReportInput) -> Section:
    rows = [
        [
            _cat(data, code),
            f.received,
            f.solved,
            f.in_progress,
            _pct(f.completion_rate),
            _pct(f.on_time_closure_rate),
        ]
        for code, f in data.stats.by.get("category", {}).items()
    ]
    return Section(
        "Cases by category",
        "Each row is one kind of problem: how many cases came in during the period, how many were "
        "solved or still in progress at its end, and the share solved and closed on time.",
        Table(
            ["Category", "Received", "Solved", "In progress", "Completion", "On-time closure"],
            rows,
            frozenset({1, 2, 3, 4, 5}),
        ),
    )


def hotspot_section(data: ReportInput) -> Section:
    spots = analysis.hotspots(data.tickets, data.tz, HOTSPOT_MIN)
    rows = [
        [_cat(data, h.category), _cell(data, h.cell), h.week, h.tickets, h.still_open]
        for h in spots
    ]
    shown, notes = _capped(rows)
    return Section(
        "Hotspots: category × cell × week",
        f"Each row is a place and week where one kind of problem was reported {HOTSPOT_MIN} or "
        "more times; the places at the top need a campaign rather than case-by-case handling.",
        Table(
            ["Category", "Grid cell", "Week", "Cases", "Still open"],
            shown,
            frozenset({3, 4}),
            frozenset({2}),
        ),
        notes=notes,
    )


def repeat_section(data: ReportInput) -> Section:
    places = analysis.repeat_places(data.tickets, data.tz)
    rows = [
        [
            _cell(data, r.cell),
            r.zone or "(whole cell)",
            _cat(data, r.category),
            r.tickets,
            r.weeks,
            r.after_closure,
            _local(r.first, data)[:10],
            _local(r.last, data)[:10],
        ]
        for r in places
    ]
    shown, notes = _capped(rows, REPEAT_ROWS)
    return Section(
        "Repeat locations",
        "Each row is a place where the same problem was reported three or more times in "
        'different weeks, or twice again after being fixed; "after closure" counts the cases '
        "reported there again after an earlier case had been closed, a sign that the fix did not "
        "hold.",
        Table(
            [
                "Grid cell",
                "Camera zone",
                "Category",
                "Cases",
                "Weeks",
                "After closure",
                "First",
                "Last",
            ],
            shown,
            frozenset({3, 4, 5}),
            frozenset({6, 7}),
        ),
        notes=notes,
    )


def league_section(data: ReportInput) -> Section:
    per_unit = data.stats.by.get("unit", {})
    scores = sorted(data.stats.scores, key=lambda s: (-s.total, s.unit))
    rows = []
    for rank, s in enumerate(scores, 1):
        f = per_unit.get(s.unit)
        rows.append(
            [
                rank,
                _unit(data, s.unit),
                f.received if f else 0,
                _pct(f.on_time_closure_rate) if f else "n/a",
                round(sum(s.earned.values()), 1),
                round(sum(s.deducted.values()), 1),
                round(s.total, 1),
            ]
        )
    scheme = data.center.policy.scoring
    return Section(
        "Unit league table (100-point score)",
        "Units ranked by their assessment score out of 100: points are earned for closing cases "
        "on time and at all, for urgent cases and clean first results, and deducted for rework, "
        "returns without a reason and falsified results.",
        Table(
            ["Rank", "Unit", "Cases", "On-time closure", "Earned", "Deducted", "Score"],
            rows,
            frozenset({0, 2, 3, 4, 5, 6}),
        ),
        notes=[
            f"Scheme: on-time closure {scheme.on_time_closure:g}, closure {scheme.closure:g}, "
            f"urgent {scheme.urgent:g}, first-pass verification {scheme.first_pass:g}, no returns "
            f"{scheme.no_return:g}; minus {scheme.rework_penalty:g} per rework, "
            f"{scheme.return_without_reason_penalty:g} per return without reason, "
            f"{scheme.falsified_penalty:g} per falsified result."
        ],
    )


def overdue_section(data: ReportInput) -> Section:
    late = analysis.overdue(data.tickets, data.as_of)
    rows = [
        [
            x.ticket.id,
            _cat(data, x.ticket.category),
            _cell(data, x.ticket.grid_cell),
            ", ".join(_unit(data, u) for u in x.ticket.units) or "-",
            _local(x.ticket.due_at, data),
            "closed late" if x.closed else x.ticket.state.value,
            round(_hours(x.late_by) / 24, 1),
        ]
        for x in late
    ]
    shown, notes = _capped(rows)
    closed = sum(x.closed for x in late)
    return Section(
        "Overdue tickets",
        "Each row is a case whose deadline passed before its result was reported: either closed "
        'late, or still open at the end of the period; "days late" is calendar time past the '
        "deadline, to the result report or to the period's end.",
        Table(
            ["Case", "Category", "Grid cell", "Units", "Deadline", "Status", "Days late"],
            shown,
            frozenset({0, 6}),
            frozenset({4}),
        ),
        notes=[
            f"{len(late)} cases not closed on time: {closed} closed late, "
            f"{len(late) - closed} still open past the deadline.",
            *notes,
        ],
    )


def _returned_by(db: sqlite_utils.Database, ticket_id: int) -> list[tuple[str, bool]]:
    return [
        (str(r.data.get("unit") or "?"), bool(r.data.get("with_reason", True)))
        for r in ticket_history(db, ticket_id)
        if r.action == "return"
    ]


def returned_section(db: sqlite_utils.Database, data: ReportInput) -> Section:
    rows = []
    for t in sorted((t for t in data.tickets if t.returns), key=lambda t: (-t.returns, t.id)):
        by = _returned_by(db, t.id)
        units = ", ".join(sorted({_unit(data, u) for u, _ in by}))
        rows.append(
            [
                t.id,
                _cat(data, t.category),
                _cell(data, t.grid_cell),
                units,
                t.returns,
                t.returns_no_reason,
                t.state.value,
            ]
        )
    shown, notes = _capped(rows)
    return Section(
        "Returned tickets",
        "Each row is a case a unit sent back to the center instead of handling it; returns "
        "without a reason are reported to the discipline office and cost the unit points.",
        Table(
            [
                "Case",
                "Category",
                "Grid cell",
                "Returned by",
                "Returns",
                "Without reason",
                "State now",
            ],
            shown,
            frozenset({0, 4, 5}),
        ),
        notes=[
            f"{data.stats.overall.returned} cases were still back at the center at the end of "
            'the period (state "returned").',
            *notes,
        ],
    )


def trend_section(data: ReportInput) -> Section:
    w = analysis.weekly(data.tickets, data.weeks, data.tz)
    share = [
        round(100 * t / c, 1) if c else 0.0 for t, c in zip(w.closed_on_time, w.closed, strict=True)
    ]
    names = {c: _cat(data, c) for c in w.by_category}
    return Section(
        "Trends by week",
        "The first chart compares cases received and closed each week, the second splits the "
        "received cases by category, the third shows the share of each week's closures that met "
        "their deadline.",
        charts=[
            (
                charts.line_chart(
                    "Cases received and closed per week",
                    w.weeks,
                    {"received": w.received, "closed": w.closed},
                    "cases",
                ),
                "received and closed per week",
            ),
            (
                charts.stacked_bars(
                    "Cases received per week, by category",
                    w.weeks,
                    {names[c]: v for c, v in w.by_category.items()},
                    "cases",
                ),
                "received per week by category",
            ),
            (
                charts.line_chart(
                    "Closures on time, per week of closing",
                    w.weeks,
                    {"closed on time (%)": share},
                    "%",
                ),
                "on-time share per week",
            ),
        ],
    )
