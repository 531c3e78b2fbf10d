"""The wording shared by the report's sections: names of cells, categories and units as a reader
knows them, local times, percentages, and long tables cut with a note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from collector.config.models import CenterConfig
from collector.report.data import ReportInput

__all__ = [
    "MAX_ROWS",
    "center_name",
    "pct",
    "local",
    "cell_name",
    "category_name",
    "unit_name",
    "hours",
    "capped",
]

MAX_ROWS = 40
"""Longest table printed; a note says how many rows were left out."""


def center_name(center: CenterConfig) -> str:
    return next((u.name for u in center.units if u.kind.value == "center"), "enforcement center")


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def local(ts: datetime | None, data: ReportInput) -> str:
    return "" if ts is None else ts.astimezone(data.tz).strftime("%Y-%m-%d %H:%M")


def cell_name(data: ReportInput, code: str) -> str:
    info = data.center.cells.get(code)
    return f"{info.name} ({code})" if info else code


def category_name(data: ReportInput, code: str) -> str:
    try:
        return f"{code} {data.center.category(code).name}"
    except KeyError:
        return code


def unit_name(data: ReportInput, unit_id: str) -> str:
    return next((u.name for u in data.center.units if u.id == unit_id), unit_id)


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def capped(
    rows: Sequence[Sequence[object]], most: int = MAX_ROWS
) -> tuple[Sequence[Sequence[object]], list[str]]:
    if len(rows) <= most:
        return rows, []
    return rows[:most], [f"{len(rows) - most} more rows not printed (of {len(rows)})."]
