"""``edge-agent thresholds …``: show and tune zone thresholds; a running agent applies changes live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from edge_agent.cli.common import console, library_errors
from edge_agent.config.edit import set_threshold, threshold_keys
from edge_agent.config.load import load_for

app = typer.Typer(help="Show and change per-zone thresholds.", no_args_is_help=True)

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Agent config file (YAML).")]


@app.command("show")
def show(
    config: ConfigOpt = Path("configs/edge-box-01.yaml"),
    camera: Annotated[str | None, typer.Option(help="Only this camera.")] = None,
    zone: Annotated[str | None, typer.Option(help="Only this zone.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Effective thresholds per zone (defaults merged with the zone's overrides)."""
    with library_errors():
        cfg = load_for(config)  # reads thresholds only: no secrets needed
    rows: list[dict[str, Any]] = []
    for cam in cfg.cameras:
        if camera and cam.id != camera:
            continue
        for z in cam.zones:
            if zone and z.id != zone:
                continue
            values = (
                cfg.construction_for(z).model_dump()
                if z.kind.value == "construction_watch"
                else cfg.thresholds_for(z).model_dump()
            )
            overridden = set(z.thresholds.model_dump(exclude_none=True))
            rows.append(
                {
                    "camera": cam.id,
                    "zone": z.id,
                    "kind": z.kind.value,
                    "values": values,
                    "overridden": sorted(overridden),
                }
            )
    if not rows:
        console.print("no zone matches")
        raise typer.Exit(1)
    if as_json:
        console.print_json(json.dumps(rows))
        return
    for row in rows:
        table = Table(title=f"{row['camera']} / {row['zone']} ({row['kind']})")
        table.add_column("key")
        table.add_column("value", justify="right")
        table.add_column("source")
        for k, v in row["values"].items():
            table.add_row(k, str(v), "zone" if k in row["overridden"] else "default")
        console.print(table)


@app.command("set")
def set_(
    camera: Annotated[str, typer.Argument(help="Camera id.")],
    zone: Annotated[str, typer.Argument(help="Zone id.")],
    key: Annotated[
        str,
        typer.Argument(
            help=f"Threshold key, e.g. warning_density; one of: {', '.join(threshold_keys())}."
        ),
    ],
    value: Annotated[str, typer.Argument(help="New value (a number).")],
    config: ConfigOpt = Path("configs/edge-box-01.yaml"),
    user: Annotated[str | None, typer.Option(help="Who is changing it (audit log).")] = None,
) -> None:
    """Validate and write one threshold into the YAML (comments kept) and the audit log.

    A running `edge-agent run` on this file picks the change up without a restart.
    """
    with library_errors():
        change, _ = set_threshold(config, camera, zone, key, value, user=user)
    console.print(
        f"{change.camera}/{change.zone} {change.key}: {change.old} → {change.new} "
        f"(by {change.user}, written to {change.file})"
    )
