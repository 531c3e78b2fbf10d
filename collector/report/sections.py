"""The sections of the thematic report about the cases: each turns the gathered data into a titled
table or chart with one sentence saying how to read it (the sections about the units are in
:mod:`collector.report.units`)."""

from __future__ import annotations

from collector.report import analysis, charts
from collector.report.data import ReportInput
from collector.report.html import Section, Table
from collector.report.i18n import N_, _
from collector.report.words import capped, category_name, cell_name, headers, local, pct

__all__ = [
    "GUIDE",
    "guide",
    "summary",
    "by_category",
    "hotspot_section",
    "repeat_section",
    "trend_section",
]

REPEAT_ROWS = 25
"""Repeat locations printed (the most persistent first)."""

HOTSPOT_MIN = 3
"""A hotspot is a category, cell and week with at least this many cases."""

GUIDE = [
    N_(
        "A case (ticket) is one problem reported by a camera, a patrol or a citizen; the center "
        "registers it, dispatches it to a responsible unit with a deadline, checks the result and "
        "closes it."
    ),
    N_(
        "A grid cell is the smallest management area (a lane, a bridge, a block); its code has 15 "
        "digits and its name says where it is."
    ),
    N_(
        "Rates: completion = solved ÷ received; closure and on-time closure = closed (on time) ÷ "
        "cases whose deadline had passed or that were closed."
    ),
    N_("Weeks are calendar weeks (Monday to Sunday) in local time, labelled year-W(week number)."),
]
"""msgids: translated by :func:`guide`."""


def guide() -> list[str]:
    return [_(g) for g in GUIDE]


def summary(data: ReportInput) -> list[tuple[str, str]]:
    f = data.stats.overall
    return [
        (_("cases received"), str(f.received)),
        (_("solved (closed)"), str(f.solved)),
        (_("in progress"), str(f.in_progress)),
        (_("completion rate (solved ÷ received)"), pct(f.completion_rate)),
        (_("suspended / returned / void"), f"{f.suspended} / {f.returned} / {f.void}"),
        (_("cases due to close"), str(f.due_to_close)),
        (_("closure rate"), pct(f.closure_rate)),
        (_("on-time closure rate"), pct(f.on_time_closure_rate)),
    ]


def by_category(data: ReportInput) -> Section:
    rows = [
        [
            category_name(data, code),
            f.received,
            f.solved,
            f.in_progress,
            pct(f.completion_rate),
            pct(f.on_time_closure_rate),
        ]
        for code, f in data.stats.by.get("category", {}).items()
    ]
    return Section(
        _("Cases by category"),
        _(
            "Each row is one kind of problem: how many cases came in during the period, how many "
            "were solved or still in progress at its end, and the share solved and closed on time."
        ),
        Table(
            headers(
                "Category", "Received", "Solved", "In progress", "Completion", "On-time closure"
            ),
            rows,
            frozenset({1, 2, 3, 4, 5}),
        ),
    )


def hotspot_section(data: ReportInput) -> Section:
    spots = analysis.hotspots(data.tickets, data.tz, HOTSPOT_MIN)
    rows = [
        [category_name(data, h.category), cell_name(data, h.cell), h.week, h.tickets, h.still_open]
        for h in spots
    ]
    shown, notes = capped(rows)
    return Section(
        _("Hotspots: category × cell × week"),
        _(
            "Each row is a place and week where one kind of problem was reported {n} or more "
            "times; the places at the top need a campaign rather than case-by-case handling.",
            n=HOTSPOT_MIN,
        ),
        Table(
            headers("Category", "Grid cell", "Week", "Cases", "Still open"),
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
            cell_name(data, r.cell),
            r.zone or _("(whole cell)"),
            category_name(data, r.category),
            r.tickets,
            r.weeks,
            r.after_closure,
            local(r.first, data)[:10],
            local(r.last, data)[:10],
        ]
        for r in places
    ]
    shown, notes = capped(rows, REPEAT_ROWS)
    return Section(
        _("Repeat locations"),
        _(
            "Each row is a place where the same problem was reported three or more times in "
            'different weeks, or twice again after being fixed; "after closure" counts the cases '
            "reported there again after an earlier case had been closed, a sign that the fix did "
            "not hold."
        ),
        Table(
            headers(
                "Grid cell",
                "Camera zone",
                "Category",
                "Cases",
                "Weeks",
                "After closure",
                "First",
                "Last",
            ),
            shown,
            frozenset({3, 4, 5}),
            frozenset({6, 7}),
        ),
        notes=notes,
    )


def trend_section(data: ReportInput) -> Section:
    w = analysis.weekly(data.tickets, data.weeks, data.tz)
    share = [
        round(100 * t / c, 1) if c else 0.0 for t, c in zip(w.closed_on_time, w.closed, strict=True)
    ]
    names = {c: category_name(data, c) for c in w.by_category}
    return Section(
        _("Trends by week"),
        _(
            "The first chart compares cases received and closed each week, the second splits the "
            "received cases by category, the third shows the share of each week's closures that "
            "met their deadline."
        ),
        charts=[
            (
                charts.line_chart(
                    _("Cases received and closed per week"),
                    w.weeks,
                    {_("received"): w.received, _("closed"): w.closed},
                    _("cases"),
                ),
                _("received and closed per week"),
            ),
            (
                charts.stacked_bars(
                    _("Cases received per week, by category"),
                    w.weeks,
                    {names[c]: v for c, v in w.by_category.items()},
                    _("cases"),
                ),
                _("received per week by category"),
            ),
            (
                charts.line_chart(
                    _("Closures on time, per week of closing"),
                    w.weeks,
                    {_("closed on time (%)"): share},
                    "%",
                    integer=False,
                ),
                _("on-time share per week"),
            ),
        ],
    )
