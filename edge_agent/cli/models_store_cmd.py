"""``edge-agent models fetch|install|catalogue``: a stronger model in one command, online or not."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from edge_agent.cli.common import console, library_errors
from edge_agent.config.edit import set_model
from edge_agent.config.models import ModelKind
from edge_agent.contract.paths import state_path
from edge_agent.models_store import (
    CATALOGUE,
    config_model_path,
    fetch_model,
    install_model,
    load_catalogue,
)

__all__ = ["catalogue", "fetch", "install"]

#: Fetched and installed models go to the state folder (``$GRIDWATCH_STATE_DIR/models``, else
#: ``var/models``), never beside the package: an installed wheel lives in read-only site-packages.
DEFAULT_DIR = Path(state_path("models"))

CatalogueOption = Annotated[
    Path, typer.Option("--catalogue", help="Catalogue YAML (default: the one shipped).")
]
DirOption = Annotated[Path, typer.Option("--dir", help="Folder the model is written to.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Also point this agent config's model at the file."),
]


def catalogue(catalogue_file: CatalogueOption = CATALOGUE) -> None:
    """List the models 'models fetch' knows, with their licence and checked sha256."""
    with library_errors():
        cat = load_catalogue(catalogue_file)
    table = Table(title=str(catalogue_file))
    for col in ("name", "kind", "input", "licence", "MB", "sha256"):
        table.add_column(col)
    for e in cat.models:
        size = f"{e.input_size[0]}x{e.input_size[1]}"
        table.add_row(e.name, e.kind.value, size, e.licence, f"{e.bytes / 1e6:.1f}", e.sha256)
    console.print(table)


def fetch(
    name: Annotated[str, typer.Argument(help="Catalogue name, e.g. yolox_nano.")],
    directory: DirOption = DEFAULT_DIR,
    config: ConfigOption = None,
    url: Annotated[
        str | None, typer.Option(help="A mirror of the file (the sha256 is checked all the same).")
    ] = None,
    timeout_s: Annotated[float, typer.Option(help="Network timeout in seconds.", min=1)] = 30.0,
    catalogue_file: CatalogueOption = CATALOGUE,
) -> None:
    """Download NAME from the catalogue, check its sha256, write it and its provenance."""
    with library_errors():
        entry = load_catalogue(catalogue_file).entry(name)
        got = fetch_model(entry, directory, url, timeout_s)
        how = "already there, hash checked" if got.already_there else f"downloaded {got.bytes} B"
        console.print(f"{got.path}: {how}; sha256 {got.sha256}; licence {entry.licence}")
        console.print(f"provenance: {got.provenance}")
        _point_config(config, got.path, entry.kind)


def install(
    model: Annotated[Path, typer.Argument(help="ONNX file brought to this box (USB, scp, …).")],
    directory: DirOption = DEFAULT_DIR,
    config: ConfigOption = None,
    name: Annotated[
        str | None, typer.Option(help="File name in --dir, without .onnx (default: FILE's).")
    ] = None,
    kind: Annotated[
        ModelKind, typer.Option(help="Adapter kind; auto reads it off the graph.")
    ] = ModelKind.AUTO,
    catalogue_file: CatalogueOption = CATALOGUE,
) -> None:
    """Check MODEL's graph, copy it into --dir with its sha256 and provenance; no network."""
    with library_errors():
        cat = load_catalogue(catalogue_file)
        got = install_model(model, directory, cat, name, kind)
        known = (
            f"catalogue model {got.catalogue_name}" if got.catalogue_name else "not in catalogue"
        )
        size = f"{got.input_size[0]}x{got.input_size[1]}"
        console.print(
            f"{got.path}: kind {got.kind.value}, input {size}, sha256 {got.sha256} ({known})"
        )
        console.print(f"provenance: {got.provenance}")
        _point_config(config, got.path, got.kind)


def _point_config(config: Path | None, model: Path, kind: ModelKind) -> None:
    if config is None:
        console.print(f"in a config: model: {{path: {model}, kind: {kind.value}}}")
        return
    named = config_model_path(model, config)
    set_model(config, named, kind.value)
    console.print(f"{config}: model.path = {named}, model.kind = {kind.value}")
