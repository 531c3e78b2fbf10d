"""``edge-agent``: the operator's command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from edge_agent.cli import config_cmd

app = typer.Typer(
    name="edge-agent",
    help="gridwatch edge agent: camera streams in, crowd and construction incidents out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(config_cmd.app, name="config")
# Command groups register below, one line each.
from edge_agent.cli import replay_cmd  # noqa: E402

app.command("replay")(replay_cmd.replay)
from edge_agent.cli import thresholds_cmd  # noqa: E402

app.add_typer(thresholds_cmd.app, name="thresholds")
from edge_agent.cli import models_cmd  # noqa: E402

app.add_typer(models_cmd.app, name="models")
from edge_agent.cli import run_cmd  # noqa: E402

app.command("run")(run_cmd.run)
from edge_agent.cli import zones_cmd  # noqa: E402

app.add_typer(zones_cmd.app, name="zones")
from edge_agent.cli import bench_cmd  # noqa: E402

app.command("bench")(bench_cmd.bench)
from edge_agent.cli import baseline_cmd  # noqa: E402

app.add_typer(baseline_cmd.app, name="baseline")
