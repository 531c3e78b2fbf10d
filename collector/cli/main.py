"""``collector``: the center's command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from collector.cli import run_cmd

app = typer.Typer(
    name="collector",
    help="gridwatch collector: ingest incidents, file enforcement tickets, dispatch and assess.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Command groups register below, one line each.
app.command(name="run")(run_cmd.run)


@app.callback()
def _root() -> None:
    """gridwatch collector."""
