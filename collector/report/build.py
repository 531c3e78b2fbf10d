"""Assemble the thematic report of a period from the store and render it to HTML.

Figures come from the statistics library (:func:`collector.stats.compute_stats`, the same numbers
``collector stats --json`` prints, computed as of the period's end); the analyses from
:mod:`collector.report.analysis`; charts from :mod:`collector.report.charts`. What the sections read
is gathered once (:mod:`collector.report.data`), so the sections never import this module.

Example:
    >>> from collector.store import open_store
    >>> from collector.grid import read_center, import_center
    >>> db = open_store(":memory:")
    >>> center, _, geo = read_center("configs/grid/cells.geojson")
    >>> _ = import_center(db, center, geo, "example")
    >>> html = render_report(db, "2026-Q3", generated="2026-10-01")
    >>> "单位考核排名" in html
    True
    >>> "Unit league table" in render_report(db, "2026-Q3", "2026-10-01", lang="en")
    True
"""

from __future__ import annotations

import sqlite_utils

from collector.report import sections, units
from collector.report.data import ReportInput, gather
from collector.report.html import Report, render_html
from collector.report.i18n import DEFAULT_LANGUAGE, _, use_language
from collector.report.words import center_name

__all__ = ["ReportInput", "gather", "build_report", "render_report"]


def build_report(db: sqlite_utils.Database, data: ReportInput, generated: str) -> Report:
    """The report's sections for ``data``."""
    p = data.period
    start = p.start.date().isoformat()
    last = (p.end.astimezone(data.tz) - p.end.resolution).date().isoformat()
    return Report(
        title=_(
            "Thematic report {period}: recurring problems and unit performance", period=p.label
        ),
        subtitle=_(
            "Enforcement cases received from {start} to {last} (local time), with their state "
            "at the end of the period. Center: {center}.",
            start=start,
            last=last,
            center=center_name(data.center),
        ),
        generated=generated,
        summary=sections.summary(data),
        guide=sections.guide(),
        sections=[
            sections.by_category(data),
            sections.hotspot_section(data),
            sections.repeat_section(data),
            units.league_section(data),
            units.overdue_section(data),
            units.returned_section(db, data),
            sections.trend_section(data),
        ],
    )


def render_report(
    db: sqlite_utils.Database,
    period_text: str,
    generated: str,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The whole HTML page of the report for ``period_text`` (e.g. ``2026-Q3``), in ``lang``."""
    with use_language(lang):
        return render_html(build_report(db, gather(db, period_text), generated))
