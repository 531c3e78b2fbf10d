"""``collector demo``: the whole chain in one command, on embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.run_cmd import library_errors
from collector.endtoend.demo import DemoOptions, run_demo
from edge_agent.contract.console import PipeConsole

__all__ = ["demo"]

console = PipeConsole()


def demo(
    broker: Annotated[
        str | None, typer.Option(help="Use this broker (mqtt://host:port) instead of amqtt.")
    ] = None,
    video: Annotated[
        Path | None, typer.Option(help="Replay this video (whole frame = one zone).")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(help="Collector store to add to (default: the demo's, replaced each run)."),
    ] = None,
    max_seconds: Annotated[
        float | None, typer.Option(help="Stop the replay after this many seconds.")
    ] = None,
    fps: Annotated[
        float | None, typer.Option(help="Analyse this many frames per second of video.")
    ] = None,
) -> None:
    """Start a broker, a collector and an agent replaying the sample; show incidents and tickets.

    Exits 0 when every incident the agent emitted was stored exactly once, 1 otherwise.
    """
    with library_errors():
        result = run_demo(
            DemoOptions(broker=broker, video=video, db=db, max_seconds=max_seconds, fps=fps),
            lambda line: console.print(line, highlight=False, markup=False),
        )
    table = Table(title="gridwatch demo")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name in (
        "frames",
        "emitted",
        "stored",
        "duplicates",
        "dead_letters",
        "tickets",
        "evidence_files",
        "lost",
    ):
        table.add_row(name.replace("_", " "), str(getattr(result, name)))
    console.print(table)
    console.print(f"store: {result.db}" + (" (stopped early)" if result.stopped_early else ""))
    console.print(f"next: collector tickets list --db {result.db}  (see README: after the demo)")
    if result.lost != 0:
        raise typer.Exit(1)
