"""``collector bench``: a benchmark (not a test) of the incident transport through Mosquitto."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from collector.cli.run_cmd import library_errors
from collector.endtoend.bench import BenchOptions, run_bench
from edge_agent.contract.console import PipeConsole

__all__ = ["bench"]

console = PipeConsole(stderr=True)


def bench(
    count: Annotated[int, typer.Option(min=100, help="Incidents in the flood phase.")] = 20_000,
    paced: Annotated[int, typer.Option(min=100, help="Incidents in the latency phase.")] = 1_000,
    rate: Annotated[float, typer.Option(min=1, help="Incidents/s in the latency phase.")] = 500.0,
    drain: Annotated[int, typer.Option(min=100, help="Incidents in the outbox drain.")] = 100_000,
    timeout: Annotated[float, typer.Option(help="Give up a phase after this many s.")] = 600.0,
) -> None:
    """Ingest rate with durable commits, publish->commit latency, outbox drain time.

    Starts Mosquitto on a free 127.0.0.1 port. The last line is one JSON object:
    {"ingest_per_s", "p95_ms", "drain_100k_s", "lost", "duplicated", ...}.
    """
    with library_errors():
        try:
            figures = run_bench(
                BenchOptions(count, paced, rate, drain, timeout),
                lambda line: console.print(line, highlight=False),
            )
        except TimeoutError as err:
            console.print(f"[red]error:[/red] {err}")
            raise typer.Exit(2) from None
    print(json.dumps(figures))
    if figures["lost"] or figures["duplicated"]:
        raise typer.Exit(1)
