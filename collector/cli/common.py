"""Shared pieces of the duty chief's commands: the store option, actor/role/time options, clean
errors and ``--json`` output."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import sqlite_utils
import typer
from rich.console import Console

from collector.errors import GridwatchError
from collector.store import DEFAULT_DB, open_store

__all__ = [
    "console",
    "err_console",
    "library_errors",
    "DbOption",
    "JsonOption",
    "AtOption",
    "store",
    "parse_at",
    "emit_json",
]

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    Path,
    typer.Option(
        "--db", envvar="GRIDWATCH_DB", help=f"Collector SQLite store (default {DEFAULT_DB})."
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="When it happened, ISO 8601 with zone (default: now)."),
]


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Print a collector or contract error (or a store error: locked, disk full) as a message and
    exit 2, without a traceback."""
    try:
        yield
    except (GridwatchError, sqlite3.Error) as err:
        where = "store: " if isinstance(err, sqlite3.Error) else ""
        err_console.print(
            f"[red]error:[/red] {where}{err}", markup=True, highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None


def store(path: Path) -> sqlite_utils.Database:
    """Open the store (creating it and applying migrations)."""
    return open_store(path)


def parse_at(text: str | None) -> datetime:
    """``--at``/``--now`` text to an aware datetime; the wall clock when not given."""
    if text is None:
        return datetime.now(UTC)
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 date-time") from None
    if ts.tzinfo is None:
        raise typer.BadParameter(f"{text!r} needs a time zone (e.g. +08:00 or Z)")
    return ts


def default_actor() -> str:
    return os.environ.get("GRIDWATCH_ACTOR", "duty-chief")


def emit_json(data: Any) -> None:
    """Print JSON on stdout (no rich markup)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
