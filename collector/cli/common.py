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

from collector.errors import GridwatchError, StoreError
from collector.store import DEFAULT_DB, open_store
from edge_agent.contract.console import PipeConsole

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

console = PipeConsole()
err_console = PipeConsole(stderr=True)

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


def store(path: Path, create: bool = False) -> sqlite_utils.Database:
    """Open the store and apply pending migrations; only ``create`` makes a missing one.

    Commands that read (tickets, stats, reports) on a mistyped path would otherwise leave an
    empty store behind and report "no grid map imported".
    """
    if not create and str(path) != ":memory:" and not Path(path).exists():
        raise StoreError(
            f"no collector store at {path}: import a grid map first "
            f"(collector grid import FILE --db {path}), or name the center's store with --db "
            "or GRIDWATCH_DB"
        )
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


def default_actor() -> str | None:
    """``$GRIDWATCH_ACTOR``: there is no built-in actor, since every step names a real member."""
    return os.environ.get("GRIDWATCH_ACTOR") or None


def require_actor(actor: str | None) -> str:
    """The acting member, or a usage error that says how to name one."""
    if actor is None:
        raise typer.BadParameter(
            "who acts? give --actor ID or set GRIDWATCH_ACTOR: a console account or a member "
            "in units.yaml (the demo's duty chief is wang.duty)",
            param_hint="--actor",
        )
    return actor


def emit_json(data: Any) -> None:
    """Print JSON on stdout (no rich markup)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
