"""``collector calendar show|check``: the working calendar the deadlines are counted on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.grid.store import load_center
from collector.holidays import statutory_days
from collector.store import DEFAULT_DB
from collector.worktime import WorkCalendar

app = typer.Typer(
    help="The working calendar: statutory holidays, adjusted working days, the center's own days.",
    no_args_is_help=True,
)


def _calendar(db: Path) -> WorkCalendar:
    with library_errors():
        return load_center(store(db)).calendar.calendar()


def _days(cal: WorkCalendar, year: int) -> list[tuple[date, str]]:
    """The year's days that differ from the plain weekend rule, with why."""
    out = []
    d = date(year, 1, 1)
    while d.year == year:
        weekend = d.weekday() in cal.weekend
        if cal.is_workday(d) == weekend:  # off on a weekday, or worked on a weekend
            own = d in cal.holidays or d in cal.workdays
            kind = "off" if weekend is False else "worked"
            out.append((d, f"{kind} ({'center' if own else 'statutory'})"))
        d += timedelta(days=1)
    return out


@app.command()
def show(
    year: Annotated[int, typer.Option(help="Calendar year.")] = datetime.now(UTC).year,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Days off on weekdays and working weekend days (调休) of a year, and where they come from."""
    cal = _calendar(db)
    days = _days(cal, year)
    warning = cal.coverage_warning(datetime(year, 6, 30, 12, tzinfo=cal.tz))
    if as_json:
        emit_json({"year": year, "days": [[d.isoformat(), k] for d, k in days], "warning": warning})
        return
    table = Table("date", "weekday", "day")
    for d, kind in days:
        table.add_row(d.isoformat(), d.strftime("%a"), kind)
    console.print(table)
    if warning:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)


@app.command()
def check(
    years: Annotated[int, typer.Option(help="Years ahead of this one that must be covered.")] = 1,
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Exit 1 (with the reason) when this year or the next ``--years`` lack statutory days."""
    cal = _calendar(db)
    now = datetime.now(UTC).year
    problems = [
        w
        for y in range(now, now + years + 1)
        if (w := cal.coverage_warning(datetime(y, 6, 30, 12, tzinfo=cal.tz)))
    ]
    for w in problems:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    days = statutory_days() if cal.statutory is not None else None
    source = f"{days.source}, {days.first_year}-{days.last_year}" if days else "weekends only"
    console.print(f"calendar covers {now}-{now + years} ({source})", highlight=False)
