"""``collector tune``: change a zone threshold on a running box over the control topic."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer

from collector.cli.run_cmd import library_errors
from collector.transport.config import load_config
from collector.transport.tune import send_control, threshold_command
from edge_agent.contract.console import PipeConsole

__all__ = ["tune"]

console = PipeConsole()


def tune(
    site: Annotated[str, typer.Argument(help="Site id of the box.")],
    box: Annotated[str, typer.Argument(help="Box id.")],
    camera: Annotated[str, typer.Argument(help="Camera id on the box.")],
    zone: Annotated[str, typer.Argument(help="Zone id of the camera.")],
    key: Annotated[str, typer.Argument(help="Threshold key, e.g. warning_count.")],
    value: Annotated[str, typer.Argument(help="New value.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="Collector YAML config.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the box's ack.")] = 10.0,
    user: Annotated[str | None, typer.Option(help="Name recorded in the box's audit log.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ack as JSON.")] = False,
) -> None:
    """Send a threshold change; the box validates, applies, writes its YAML and acknowledges.

    Exit 0 when accepted, 1 when rejected (the reason is printed), 2 on errors or timeout.
    """
    with library_errors():
        cfg = load_config(config)
        cmd = threshold_command(camera, zone, key, _number(value), user or getpass.getuser())
        ack = send_control(cfg, site, box, cmd, timeout)
    if as_json:
        console.print_json(json.dumps(ack))
    elif ack["status"] == "accepted":
        console.print(f"accepted: {camera}/{zone}/{key} {ack.get('old')} -> {ack.get('new')}")
    else:
        console.print(f"rejected: {ack.get('reason')}", highlight=False)
    if ack["status"] != "accepted":
        raise typer.Exit(1)


def _number(value: str) -> str | float | int:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value
