"""``collector stats``: case figures, rates and unit scores."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.common import (
    DbOption,
    JsonOption,
    console,
    emit_json,
    library_errors,
    parse_at,
    store,
)
from collector.grid import load_center
from collector.stats import Figures, StatsFilter, UnitScore, compute_stats, parse_period
from collector.store import DEFAULT_DB

__all__ = ["stats"]

GROUPS = ("unit", "cell", "category", "month")


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _figures_table(title: str, rows: dict[str, Figures]) -> Table:
    table = Table(title=title)
    for col in (
        "",
        "received",
        "solved",
        "in progress",
        "suspended",
        "returned",
        "void",
        "completion",
        "closure",
        "on time",
    ):
        table.add_column(col, justify="right")
    for key, f in rows.items():
        table.add_row(
            key,
            str(f.received),
            str(f.solved),
            str(f.in_progress),
            str(f.suspended),
            str(f.returned),
            str(f.void),
            _pct(f.completion_rate),
            _pct(f.closure_rate),
            _pct(f.on_time_closure_rate),
        )
    return table


def stats(
    period: Annotated[
        str | None, typer.Option(help="2015, 2015-Q2, 2015-05, 2015-05-01 or FROM..TO.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Only tickets of this unit.")] = None,
    cell: Annotated[str | None, typer.Option(help="Cell code or code prefix.")] = None,
    category: Annotated[str | None, typer.Option(help="Category code.")] = None,
    by: Annotated[
        str | None, typer.Option(help="Also break down by unit, cell, category or month.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Figures as of this time (default: now).")
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Received, solved, in progress, suspended, returned, void; completion, closure and on-time
    closure rates; the 100-point score of each unit."""
    if by is not None and by not in GROUPS:
        raise typer.BadParameter(f"--by must be one of {', '.join(GROUPS)}")
    with library_errors():
        database = store(db)
        center = load_center(database)
        p = parse_period(period, center.calendar.tz()) if period else None
        report = compute_stats(
            database, center, StatsFilter(p, unit, cell, category), parse_at(as_of)
        )
    if as_json:
        emit_json(report.to_json())
        return
    console.print(
        _figures_table(f"cases{f' in {period}' if period else ''}", {"all": report.overall})
    )
    if by:
        console.print(_figures_table(f"by {by}", report.by[by]))
    console.print(_scores_table(report.scores))


def _scores_table(scores: list[UnitScore]) -> Table:
    table = Table(
        "unit",
        "on time",
        "closure",
        "urgent",
        "first pass",
        "no return",
        "deducted",
        "score",
        title="unit scores (100 points)",
    )
    for s in scores:
        e = s.earned
        table.add_row(
            s.unit,
            *(
                f"{e[k]:.1f}"
                for k in ("on_time_closure", "closure", "urgent", "first_pass", "no_return")
            ),
            f"-{sum(s.deducted.values()):.1f}",
            f"[bold]{s.total:.1f}[/bold]",
        )
    return table
