"""``edge-agent config …``: check a config file before deploying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edge_agent.cli.common import console, library_errors
from edge_agent.config import load
from edge_agent.config.load import Unset
from edge_agent.config.models import AgentConfig
from edge_agent.errors import ConfigError, GridwatchError

app = typer.Typer(help="Validate agent configuration files.", no_args_is_help=True)


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="YAML config file to validate.")],
    skip_files: Annotated[
        bool,
        typer.Option(
            "--skip-files",
            help="Check only the YAML, not that the model and signing key files exist "
            "(e.g. on a workstation, before copying the config to its box).",
        ),
    ] = False,
) -> None:
    """Validate FILE and the files it names; on error print the file, key path and bad value.

    The model is looked up as `edge-agent run` does (beside FILE, then among the shipped
    `models/NAME`), the signing key too (relative to the working directory). Secrets (`${VAR}`)
    need not be set: a note names each one `edge-agent run` will need.
    """
    unset: list[Unset] = []
    with library_errors():
        cfg = load(file, unset_env=unset)
        if not skip_files:
            check_files(cfg, file)
    zones = sum(len(c.zones) for c in cfg.cameras)
    console.print(
        f"{file}: OK — site {cfg.box.site_id}, box {cfg.box.box_id}, "
        f"{len(cfg.cameras)} camera(s), {zones} zone(s)"
    )
    for key, _, var in unset:
        console.print(f"note: {key} uses ${{{var}}}, not set here; edge-agent run will need it")


def check_files(cfg: AgentConfig, file: Path) -> None:
    """:class:`ConfigError` naming each file the config refers to that cannot be used."""
    from edge_agent.contract.signing import load_key
    from edge_agent.detect.detector import resolve_model_path

    problems: list[tuple[str, object, str]] = []
    try:
        resolve_model_path(cfg.model.path, file.parent)
    except GridwatchError as err:
        problems.append(("model.path", cfg.model.path, str(err)))
    key = cfg.mqtt.signing_key_file
    if key is not None:
        try:
            load_key(Path.cwd() / key)  # as `run` reads it
        except GridwatchError as err:
            problems.append(("mqtt.signing_key_file", key, str(err)))
    if problems:
        raise ConfigError(str(file), problems)
