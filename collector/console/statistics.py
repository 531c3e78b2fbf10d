"""Statistics: the center's figures over a chosen period, per cell and category, the 100-point
unit league, and the link to the period's thematic report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from collector.console.web import TZ, ConsoleDb, ConsoleDenied, User, center_of, need, render
from collector.errors import PeriodError
from collector.report.build import render_report
from collector.stats import StatsFilter, compute_stats, parse_period
from collector.tickets.permissions import Right

__all__ = ["router", "default_period"]

router = APIRouter(prefix="/console")
Viewer = Annotated[User, Depends(need(Right.VIEW_STATS))]
REPORT_LANGUAGES = {"zh_CN": "zh-CN", "en": "en"}  # console locale -> the report's language
PeriodQ = Annotated[str | None, Query(max_length=40, pattern=r"^[0-9Q.-]*$")]


def default_period(now: datetime) -> str:
    """This month in the center's zone."""
    local = now.astimezone(TZ)
    return f"{local.year}-{local.month:02d}"


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, db: ConsoleDb, user: Viewer, period: PeriodQ = None) -> Response:
    now = datetime.now(UTC)
    text = period or default_period(now)
    try:
        p = parse_period(text, TZ)
    except PeriodError:
        raise ConsoleDenied(
            400,
            "Period {period} not understood; use 2026, 2026-Q4, 2026-12 or 2026-12-01..2026-12-07.",
            period=text,
        ) from None
    center = center_of(db)
    report = compute_stats(db, center, StatsFilter(period=p), as_of=min(now, p.end))
    return render(request, "stats.html", user, report=report, period=text, center=center)


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, db: ConsoleDb, user: Viewer, period: PeriodQ = None) -> Response:
    """The period's thematic report (the report module's own HTML), in the user's language."""
    text = period or default_period(datetime.now(UTC))
    generated = datetime.now(UTC).astimezone(TZ).date().isoformat()
    try:
        html = render_report(db, text, generated, lang=REPORT_LANGUAGES.get(user.locale, "zh-CN"))
    except PeriodError:
        raise ConsoleDenied(
            400,
            "Period {period} not understood; use 2026, 2026-Q4, 2026-12 or 2026-12-01..2026-12-07.",
            period=text,
        ) from None
    return HTMLResponse(html)
