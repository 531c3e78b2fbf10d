"""``collector patrol``: the daily patrol of watched places, the day per grid cell (verdicts,
missing flags), and ``collector patrol place SITE/CAMERA/ZONE``: one place over a period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.config.models import CenterConfig
from collector.errors import CollectorError
from collector.grid import load_center
from collector.patrol import CellPatrol, PlaceDay, day_patrol, place_period
from collector.store import DEFAULT_DB

__all__ = ["app"]

app = typer.Typer(
    help="The daily patrol of watched places: the day per grid cell, or one place's days.",
)
VERDICT_STYLE = {
    "unchanged": "green",
    "changed": "bold yellow",
    "camera_down": "bold red",
    "missing": "bold red",
    "pending": "dim",
}
DayOption = Annotated[
    str | None,
    typer.Option("--day", help="Local date YYYY-MM-DD on the center's calendar (default: today)."),
]


def _day(text: str | None, center: CenterConfig) -> date:
    if text is None:
        return datetime.now(UTC).astimezone(center.calendar.tz()).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CollectorError(f"--day {text!r}: not a date (YYYY-MM-DD)") from None


def _local(ts: datetime | None, center: CenterConfig) -> str:
    return "" if ts is None else ts.astimezone(center.calendar.tz()).strftime("%H:%M")


def _verdict(p: PlaceDay) -> str:
    text = p.verdict.replace("_", " ") + (" (late)" if p.late else "")
    text += " (replay)" if p.replay else ""
    return f"[{VERDICT_STYLE.get(p.verdict, '')}]{text}[/]" + (" !" if p.flagged else "")


def _row(p: PlaceDay, center: CenterConfig) -> list[str]:
    return [
        p.kind.replace("_", " "),
        p.window,
        _verdict(p),
        _local(p.observed_at, center),
        p.frame("after") or "",
        str(p.ticket_id or ""),
        p.case_number or "",
    ]


def _day_table(cells: list[CellPatrol], day: date, center: CenterConfig) -> Table:
    places = sum(len(c.places) for c in cells)
    flags = sum(c.flags for c in cells)
    table = Table(
        title=f"patrol of {day.isoformat()}: {len(cells)} cell(s), {places} place(s), "
        f"{flags} flag(s)"
    )
    for col in ("cell", "place", "kind", "window", "verdict", "at", "frame", "ticket", "case"):
        table.add_column(col)
    for c in cells:
        for i, p in enumerate(c.places):
            where = f"{c.cell} {c.name or ''}".strip() if i == 0 else ""
            table.add_row(where, f"{p.camera}/{p.zone}", *_row(p, center))
    return table


@app.callback(invoke_without_command=True)
def patrol(
    ctx: typer.Context,
    day: DayOption = None,
    cell: Annotated[str | None, typer.Option(help="Cell code or code prefix.")] = None,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """The day's patrol per grid cell: each watched place's verdict, frame, time and camera;
    missing checks and cameras down are flagged (!)."""
    if ctx.invoked_subcommand is not None:
        return
    with library_errors():
        database = store(db)
        center = load_center(database)
        wanted = _day(day, center)
        cells = [c for c in day_patrol(database, center, wanted) if c.cell.startswith(cell or "")]
    if as_json:
        emit_json({"day": wanted.isoformat(), "cells": [c.to_json() for c in cells]})
        return
    if not cells:
        console.print(f"no watched place on {wanted.isoformat()}" + (f" in {cell}" if cell else ""))
        return
    console.print(_day_table(cells, wanted, center))


def _place(text: str) -> tuple[str, str, str]:
    parts = text.split("/")
    if len(parts) != 3 or not all(parts):
        raise CollectorError(f"place {text!r}: name it SITE/CAMERA/ZONE, e.g. xitang/build-01/yard")
    return parts[0], parts[1], parts[2]


@app.command(name="place")
def place_cmd(
    place: Annotated[str, typer.Argument(help="The watched place: SITE/CAMERA/ZONE.")],
    day: DayOption = None,
    days: Annotated[int, typer.Option(min=1, max=366, help="How many days up to --day.")] = 7,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """One watched place day by day: verdicts, frames, missing flags, the linked tickets."""
    with library_errors():
        key = _place(place)
        database = store(db)
        center = load_center(database)
        last = _day(day, center)
        rows = place_period(database, center, key, last - timedelta(days=days - 1), last)
        if not rows:
            raise CollectorError(f"no watched place {place} is known to this center")
    if as_json:
        emit_json({"place": place, "days": [r.to_json() for r in rows]})
        return
    flags = sum(r.flagged for r in rows)
    table = Table(title=f"patrol of {place}: {len(rows)} day(s), {flags} flag(s)")
    for col in ("day", "kind", "window", "verdict", "at", "frame", "ticket", "case"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.day.isoformat(), *_row(r, center))
    console.print(table)
