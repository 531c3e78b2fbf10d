"""``edge-agent``: the operator's command line. Each command group lives in its own module."""

from __future__ import annotations

import typer

from edge_agent.cli import (
    baseline_cmd,
    bench_cmd,
    config_cmd,
    eval_cmd,
    models_cmd,
    replay_cmd,
    run_cmd,
    service_cmd,
    thresholds_cmd,
    zones_cmd,
)

app = typer.Typer(
    name="edge-agent",
    help="gridwatch edge agent: camera streams in, crowd and construction incidents out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("run")(run_cmd.run)
app.command("replay")(replay_cmd.replay)
app.add_typer(config_cmd.app, name="config")
app.add_typer(thresholds_cmd.app, name="thresholds")
app.add_typer(zones_cmd.app, name="zones")
app.add_typer(baseline_cmd.app, name="baseline")
app.add_typer(models_cmd.app, name="models")
app.add_typer(eval_cmd.app, name="eval")
app.command("bench")(bench_cmd.bench)
app.add_typer(service_cmd.app, name="service")
