"""Helpers shared by every CLI command: turn library errors into a clean exit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.table import Table

from edge_agent.contract.console import PipeConsole
from edge_agent.errors import GridwatchError

__all__ = ["console", "err_console", "library_errors", "print_table"]

console = PipeConsole(soft_wrap=True)  # long paths stay on one line: scripts grep them
err_console = PipeConsole(stderr=True, soft_wrap=True)


def print_table(table: Table) -> None:
    """Print ``table`` at least as wide as its columns need: a pipe gets 80 columns by default,
    which cuts every header and name (scripts and reports read these tables)."""
    need = Console(width=10_000).measure(table).maximum
    Console(soft_wrap=True, width=max(console.width, need)).print(table)


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Print a :class:`GridwatchError` as a message and exit 2, without a traceback."""
    try:
        yield
    except GridwatchError as err:
        err_console.print(f"[red]error:[/red] {err}", markup=True, highlight=False)
        raise typer.Exit(2) from None
