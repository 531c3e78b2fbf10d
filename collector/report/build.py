"""Assemble the thematic report of a period from the store and render it to HTML.

Figures come from the statistics library (:func:`collector.stats.compute_stats`, the same numbers
``collector stats --json`` prints, computed as of the period's end); the analyses from
:mod:`collector.report.analysis`; charts from :mod:`collector.report.charts`.

Example:
    >>> from collector.store import open_store
    >>> from collector.grid import read_center, import_center
    >>> db = open_store(":memory:")
    >>> center, _, geo = read_center("configs/grid/cells.geojson")
    >>> _ = import_center(db, center, geo, "example")
    >>> html = render_report(db, "2026-Q3", generated="2026-10-01")
    >>> "Unit league table" in html
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

import sqlite_utils

from collector.config.models import CenterConfig
from collector.grid.store import load_center
from collector.report import sections
from collector.report.analysis import weeks_between
from collector.report.html import Report, render_html
from collector.stats.period import Period, parse_period
from collector.stats.report import StatsFilter, StatsReport, compute_stats
from collector.tickets.model import Ticket
from collector.tickets.repo import list_tickets

__all__ = ["ReportInput", "gather", "build_report", "render_report"]


@dataclass(frozen=True)
class ReportInput:
    """Everything the sections read: config, period, its tickets and the official figures."""

    center: CenterConfig
    period: Period
    tickets: list[Ticket]
    stats: StatsReport
    weeks: list[str]

    @property
    def tz(self) -> tzinfo:
        return self.center.calendar.tz()

    @property
    def as_of(self) -> datetime:
        return self.stats.as_of


def gather(db: sqlite_utils.Database, period_text: str) -> ReportInput:
    """Read the period's tickets and compute its figures as of the period's end."""
    center = load_center(db)
    period = parse_period(period_text, center.calendar.tz())
    stats = compute_stats(db, center, StatsFilter(period=period), as_of=period.end)
    tickets = [t for t in list_tickets(db) if period.contains(t.received_at)]
    weeks = weeks_between(period.start, period.end, center.calendar.tz())
    return ReportInput(center, period, tickets, stats, weeks)


def build_report(db: sqlite_utils.Database, data: ReportInput, generated: str) -> Report:
    """The report's sections for ``data``."""
    p = data.period
    start = p.start.date().isoformat()
    last = (p.end.astimezone(data.tz) - p.end.resolution).date().isoformat()
    return Report(
        title=f"Thematic report {p.label}: recurring problems and unit performance",
        subtitle=(
            f"Enforcement cases received from {start} to {last} (local time), with their state "
            f"at the end of the period. Center: {sections.center_name(data.center)}."
        ),
        generated=generated,
        summary=sections.summary(data),
        guide=sections.GUIDE,
        sections=[
            sections.by_category(data),
            sections.hotspot_section(data),
            sections.repeat_section(data),
            sections.league_section(data),
            sections.overdue_section(data),
            sections.returned_section(db, data),
            sections.trend_section(data),
        ],
    )


def render_report(db: sqlite_utils.Database, period_text: str, generated: str) -> str:
    """The whole HTML page of the report for ``period_text`` (e.g. ``2026-Q3``)."""
    return render_html(build_report(db, gather(db, period_text), generated))
