"""The wording shared by the report's sections: names of cells, categories and units as a reader
knows them, local times, percentages, and long tables cut with a note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from collector.config.models import CenterConfig
from collector.report.data import ReportInput
from collector.report.i18n import N_, _, name

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
    "headers",
    "STATES",
    "state_name",
]

MAX_ROWS = 40
"""Longest table printed; a note says how many rows were left out."""


def center_name(center: CenterConfig) -> str:
    found = next((u.name for u in center.units if u.kind.value == "center"), None)
    return name(found) if found else _("enforcement center")


def pct(value: float | None) -> str:
    return _("n/a") if value is None else f"{100 * value:.1f}%"


def local(ts: datetime | None, data: ReportInput) -> str:
    return "" if ts is None else ts.astimezone(data.tz).strftime("%Y-%m-%d %H:%M")


def cell_name(data: ReportInput, code: str) -> str:
    info = data.center.cells.get(code)
    return f"{name(info.name)} ({code})" if info else code


def category_name(data: ReportInput, code: str) -> str:
    try:
        return f"{code} {name(data.center.category(code).name)}"
    except KeyError:
        return code


def unit_name(data: ReportInput, unit_id: str) -> str:
    return next((name(u.name) for u in data.center.units if u.id == unit_id), unit_id)


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def capped(
    rows: Sequence[Sequence[object]], most: int = MAX_ROWS
) -> tuple[Sequence[Sequence[object]], list[str]]:
    if len(rows) <= most:
        return rows, []
    note = _("{n} more rows not printed (of {total}).", n=len(rows) - most, total=len(rows))
    return rows[:most], [note]


def headers(*msgids: str) -> list[str]:
    """Column headings in the report's language."""
    return [_(m) for m in msgids]


STATES = {
    "received": N_("received"),
    "registered": N_("registered"),
    "void": N_("void"),
    "duplicate": N_("duplicate"),
    "dispatched": N_("dispatched"),
    "returned": N_("returned"),
    "accepted": N_("accepted"),
    "extension_requested": N_("extension requested"),
    "suspended": N_("suspended"),
    "reported": N_("reported"),
    "verified": N_("verified"),
    "closed": N_("closed"),
}
"""Ticket states as the report prints them (msgids)."""


def state_name(value: str) -> str:
    return _(STATES[value]) if value in STATES else value
