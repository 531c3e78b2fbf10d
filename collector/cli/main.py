"""``collector``: the center's command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from collector.cli import (
    accounts_cmd,
    bench_cmd,
    calendar_cmd,
    deadletters_cmd,
    demo_cmd,
    feed_cmd,
    grid_cmd,
    keys_cmd,
    patrol_cmd,
    report_cmd,
    run_cmd,
    serve_cmd,
    service_cmd,
    stats_cmd,
    tickets_cmd,
    tune_cmd,
)

app = typer.Typer(
    name="collector",
    help="gridwatch collector: ingest incidents, file enforcement tickets, dispatch and assess.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# transport (docs/CONTRACT.md)
app.command(name="run")(run_cmd.run)
app.command(name="tune")(tune_cmd.tune)
app.command(name="demo")(demo_cmd.demo)
app.command(name="bench")(bench_cmd.bench)
app.add_typer(deadletters_cmd.app, name="dead-letters")
# tickets, grid map, statistics
app.add_typer(tickets_cmd.app, name="tickets")
app.add_typer(grid_cmd.app, name="grid")
app.add_typer(calendar_cmd.app, name="calendar")
app.command(name="stats")(stats_cmd.stats)
app.add_typer(patrol_cmd.app, name="patrol")  # the daily patrol of watched places
# central queue (docs/OPEN311.md)
app.command(name="serve")(serve_cmd.serve)
app.add_typer(keys_cmd.app, name="keys")
app.add_typer(accounts_cmd.app, name="accounts")  # the web console's log-ins
app.add_typer(feed_cmd.app, name="feed")
app.command(name="report")(report_cmd.report)
app.add_typer(service_cmd.app, name="service")


@app.callback()
def _root() -> None:
    """gridwatch collector."""
