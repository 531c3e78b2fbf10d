"""``collector service install|show``: the center's systemd units (docs/DEPLOY.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from collector.cli.common import console, library_errors
from edge_agent.contract.paths import CONFIG_DIR, STATE_DIR
from edge_agent.contract.units import SYSTEM_UNIT_DIR, Layout, install_units, render_unit

app = typer.Typer(help="Install the ingest and the API as systemd services.", no_args_is_help=True)

#: The ingest (``collector run``) and the Open311 API (``collector serve``).
UNITS = ("gridwatch-collector.service", "gridwatch-api.service")

User = Annotated[str, typer.Option(help="System user the services run as (made if missing).")]
ConfigDir = Annotated[str, typer.Option(help="Folder of collector.yaml and the .env files.")]
StateDir = Annotated[str, typer.Option(help="Folder of the store (collector.sqlite).")]
UnitDir = Annotated[str, typer.Option(help="Where the unit files go.")]
BinDir = Annotated[
    str | None, typer.Option(help="Folder of the collector command (default: this install's).")
]
MetricsPort = Annotated[int, typer.Option(help="Port of the ingest's /metrics.", min=1, max=65535)]
ApiHost = Annotated[str, typer.Option(help="Address the API listens on.")]
ApiPort = Annotated[int, typer.Option(help="Port of the API (and its /metrics).", min=1, max=65535)]


def _units(layout: Layout) -> dict[str, str]:
    return {name: render_unit("collector.units", name, layout) for name in UNITS}


def _layout(dirs: tuple[str, str, str], user: str, bin_dir: str | None, ports: dict) -> Layout:
    config_dir, state_dir, unit_dir = dirs
    extra = {k: str(v) for k, v in ports.items()}
    if bin_dir is None:
        return Layout(user, config_dir, state_dir, unit_dir, extra=extra)
    return Layout(user, config_dir, state_dir, unit_dir, bin_dir, extra)


@app.command("show")
def show(
    user: User = "gridwatch",
    config_dir: ConfigDir = CONFIG_DIR,
    state_dir: StateDir = STATE_DIR,
    bin_dir: BinDir = None,
    metrics_port: MetricsPort = 9465,
    api_host: ApiHost = "127.0.0.1",
    api_port: ApiPort = 8311,
) -> None:
    """Print the units as they would be installed."""
    ports = {"metrics_port": metrics_port, "api_host": api_host, "api_port": api_port}
    with library_errors():
        layout = _layout((config_dir, state_dir, SYSTEM_UNIT_DIR), user, bin_dir, ports)
        for text in _units(layout).values():
            typer.echo(text)


@app.command("install")
def install(
    user: User = "gridwatch",
    config_dir: ConfigDir = CONFIG_DIR,
    state_dir: StateDir = STATE_DIR,
    unit_dir: UnitDir = SYSTEM_UNIT_DIR,
    bin_dir: BinDir = None,
    metrics_port: MetricsPort = 9465,
    api_host: ApiHost = "127.0.0.1",
    api_port: ApiPort = 8311,
) -> None:
    """Make the user and folders, write both units, reload systemd; then enable them yourself."""
    ports = {"metrics_port": metrics_port, "api_host": api_host, "api_port": api_port}
    with library_errors():
        layout = _layout((config_dir, state_dir, unit_dir), user, bin_dir, ports)
        made = install_units(_units(layout), layout, writable_config=False)
    for path in made:
        console.print(f"wrote {path}")
    config = Path(config_dir) / "collector.yaml"
    if not config.exists():
        console.print(f"next: write {config} and import the grid map (docs/DEPLOY.md)")
    console.print(f"then: systemctl enable --now {' '.join(UNITS)}")
