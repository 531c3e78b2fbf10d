"""``edge-agent config …``: check a config file before deploying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edge_agent.cli.common import console, library_errors
from edge_agent.config import load

app = typer.Typer(help="Validate agent configuration files.", no_args_is_help=True)


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="YAML config file to validate.")],
) -> None:
    """Validate FILE; on error print the file, key path and bad value of each problem."""
    with library_errors():
        cfg = load(file)
    zones = sum(len(c.zones) for c in cfg.cameras)
    console.print(
        f"{file}: OK — site {cfg.box.site_id}, box {cfg.box.box_id}, "
        f"{len(cfg.cameras)} camera(s), {zones} zone(s)"
    )
