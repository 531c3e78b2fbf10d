"""``edge-agent service install|show``: the box's systemd unit (docs/DEPLOY.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edge_agent.cli.common import console, library_errors
from edge_agent.contract.paths import CONFIG_DIR, STATE_DIR
from edge_agent.contract.units import SYSTEM_UNIT_DIR, Layout, install_units, render_unit

app = typer.Typer(help="Install the agent as a systemd service.", no_args_is_help=True)

UNIT = "gridwatch-edge.service"

User = Annotated[str, typer.Option(help="System user the service runs as (made if missing).")]
ConfigDir = Annotated[str, typer.Option(help="Folder of edge-agent.yaml and edge-agent.env.")]
StateDir = Annotated[str, typer.Option(help="Folder the agent writes (outbox, evidence, ...).")]
UnitDir = Annotated[str, typer.Option(help="Where the unit file goes.")]
BinDir = Annotated[
    str | None, typer.Option(help="Folder of the edge-agent command (default: this install's).")
]


def _layout(user: str, config_dir: str, state_dir: str, unit_dir: str, bin_dir: str | None):
    layout = Layout(user, config_dir, state_dir, unit_dir)
    return layout if bin_dir is None else Layout(user, config_dir, state_dir, unit_dir, bin_dir)


@app.command("show")
def show(
    user: User = "gridwatch",
    config_dir: ConfigDir = CONFIG_DIR,
    state_dir: StateDir = STATE_DIR,
    bin_dir: BinDir = None,
) -> None:
    """Print the unit as it would be installed."""
    with library_errors():
        layout = _layout(user, config_dir, state_dir, SYSTEM_UNIT_DIR, bin_dir)
        typer.echo(render_unit("edge_agent.units", UNIT, layout), nl=False)


@app.command("install")
def install(
    user: User = "gridwatch",
    config_dir: ConfigDir = CONFIG_DIR,
    state_dir: StateDir = STATE_DIR,
    unit_dir: UnitDir = SYSTEM_UNIT_DIR,
    bin_dir: BinDir = None,
) -> None:
    """Make the user and folders, write the unit, reload systemd; then enable it yourself."""
    with library_errors():
        layout = _layout(user, config_dir, state_dir, unit_dir, bin_dir)
        text = render_unit("edge_agent.units", UNIT, layout)
        made = install_units({UNIT: text}, layout, writable_config=True)
    for path in made:
        console.print(f"wrote {path}")
    config = Path(config_dir) / "edge-agent.yaml"
    if not config.exists():
        console.print(f"next: write {config} (edge-agent config check {config})")
    console.print(f"then: systemctl enable --now {UNIT}; journalctl -u {UNIT}")
