"""Helpers shared by every CLI command: turn library errors into a clean exit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from edge_agent.errors import GridwatchError

__all__ = ["console", "err_console", "library_errors"]

console = Console(soft_wrap=True)  # long paths stay on one line: scripts grep them
err_console = Console(stderr=True, soft_wrap=True)


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Print a :class:`GridwatchError` as a message and exit 2, without a traceback."""
    try:
        yield
    except GridwatchError as err:
        err_console.print(f"[red]error:[/red] {err}", markup=True, highlight=False)
        raise typer.Exit(2) from None
