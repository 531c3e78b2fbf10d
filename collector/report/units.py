"""The sections of the thematic report about the units: the league table of their scores, the
tickets they closed late or left overdue, and the tickets they returned to the center."""

from __future__ import annotations

import sqlite_utils

from collector.report import analysis
from collector.report.data import ReportInput
from collector.report.html import Section, Table
from collector.report.i18n import _
from collector.report.words import (
    capped,
    category_name,
    cell_name,
    headers,
    hours,
    local,
    pct,
    state_name,
    unit_name,
)
from collector.tickets.repo import ticket_history

__all__ = ["league_section", "overdue_section", "returned_section"]


def league_section(data: ReportInput) -> Section:
    per_unit = data.stats.by.get("unit", {})
    scores = sorted(data.stats.scores, key=lambda s: (-s.total, s.unit))
    rows = []
    for rank, s in enumerate(scores, 1):
        f = per_unit.get(s.unit)
        rows.append(
            [
                rank,
                unit_name(data, s.unit),
                f.received if f else 0,
                pct(f.on_time_closure_rate) if f else _("n/a"),
                round(sum(s.earned.values()), 1),
                round(sum(s.deducted.values()), 1),
                round(s.total, 1),
            ]
        )
    scheme = data.center.policy.scoring
    return Section(
        _("Unit league table (100-point score)"),
        _(
            "Units ranked by their assessment score out of 100: points are earned for closing "
            "cases on time and at all, for urgent cases and clean first results, and deducted for "
            "rework, returns without a reason and falsified results."
        ),
        Table(
            headers("Rank", "Unit", "Cases", "On-time closure", "Earned", "Deducted", "Score"),
            rows,
            frozenset({0, 2, 3, 4, 5, 6}),
        ),
        notes=[
            _(
                "Scheme: on-time closure {on_time:g}, closure {closure:g}, urgent {urgent:g}, "
                "first-pass verification {first:g}, no returns {no_return:g}; minus {rework:g} "
                "per rework, {no_reason:g} per return without reason, {falsified:g} per "
                "falsified result.",
                on_time=scheme.on_time_closure,
                closure=scheme.closure,
                urgent=scheme.urgent,
                first=scheme.first_pass,
                no_return=scheme.no_return,
                rework=scheme.rework_penalty,
                no_reason=scheme.return_without_reason_penalty,
                falsified=scheme.falsified_penalty,
            )
        ],
    )


def overdue_section(data: ReportInput) -> Section:
    late = analysis.overdue(data.tickets, data.as_of)
    rows = [
        [
            x.ticket.id,
            category_name(data, x.ticket.category),
            cell_name(data, x.ticket.grid_cell),
            ", ".join(unit_name(data, u) for u in x.ticket.units) or "-",
            local(x.ticket.due_at, data),
            _("closed late") if x.closed else state_name(x.ticket.state.value),
            round(hours(x.late_by) / 24, 1),
        ]
        for x in late
    ]
    shown, notes = capped(rows)
    closed = sum(x.closed for x in late)
    return Section(
        _("Overdue tickets"),
        _(
            "Each row is a case whose deadline passed before its result was reported: either "
            'closed late, or still open at the end of the period; "days late" is calendar time '
            "past the deadline, to the result report or to the period's end."
        ),
        Table(
            headers("Case", "Category", "Grid cell", "Units", "Deadline", "Status", "Days late"),
            shown,
            frozenset({0, 6}),
            frozenset({4}),
        ),
        notes=[
            _(
                "{n} cases not closed on time: {closed} closed late, {still} still open past the "
                "deadline.",
                n=len(late),
                closed=closed,
                still=len(late) - closed,
            ),
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
        units = ", ".join(sorted({unit_name(data, u) for u, _with_reason in by}))
        rows.append(
            [
                t.id,
                category_name(data, t.category),
                cell_name(data, t.grid_cell),
                units,
                t.returns,
                t.returns_no_reason,
                state_name(t.state.value),
            ]
        )
    shown, notes = capped(rows)
    return Section(
        _("Returned tickets"),
        _(
            "Each row is a case a unit sent back to the center instead of handling it; returns "
            "without a reason are reported to the discipline office and cost the unit points."
        ),
        Table(
            headers(
                "Case",
                "Category",
                "Grid cell",
                "Returned by",
                "Returns",
                "Without reason",
                "State now",
            ),
            shown,
            frozenset({0, 4, 5}),
        ),
        notes=[
            _(
                "{n} cases were still back at the center at the end of the period (state "
                '"returned").',
                n=data.stats.overall.returned,
            ),
            *notes,
        ],
    )
