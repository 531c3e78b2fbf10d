"""``collector``: the center's command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from collector.cli import bench_cmd, demo_cmd, run_cmd, tune_cmd

app = typer.Typer(
    name="collector",
    help="gridwatch collector: ingest incidents, file enforcement tickets, dispatch and assess.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Command groups register below, one line each.
app.command(name="run")(run_cmd.run)
app.command(name="tune")(tune_cmd.tune)
app.command(name="demo")(demo_cmd.demo)
app.command(name="bench")(bench_cmd.bench)
from collector.cli import tickets_cmd  # noqa: E402
app.add_typer(tickets_cmd.app, name="tickets")
from collector.cli import grid_cmd  # noqa: E402
app.add_typer(grid_cmd.app, name="grid")
from collector.cli import stats_cmd  # noqa: E402
app.command(name="stats")(stats_cmd.stats)
from collector.cli import serve_cmd, keys_cmd, feed_cmd, report_cmd  # noqa: E402
app.command(name="serve")(serve_cmd.serve)
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(feed_cmd.app, name="feed")
app.command(name="report")(report_cmd.report)


@app.callback()
def _root() -> None:
    """gridwatch collector."""
