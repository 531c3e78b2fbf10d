"""``collector grid ...``: validate and import the grid map with the center's YAML files."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.grid import import_center, load_center, read_center
from collector.store import DEFAULT_DB

app = typer.Typer(help="The grid map: cells, linkage stations, cameras.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Grid map, a GeoJSON FeatureCollection of cells.")],
    config_dir: Annotated[
        Path | None,
        typer.Option(
            help="Directory of units/categories/routing/calendar/policy/cameras YAML "
            "(default: the grid map's directory)."
        ),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Validate only; store nothing.")] = False,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Validate the grid map and config (closed rings, unique codes, no overlaps, every camera
    zone in a known cell) and store them; each problem names the feature and the reason."""
    with library_errors():
        center, cells, geojson = read_center(file, config_dir)
        if check:
            console.print(f"{file}: valid ({len(cells)} cells); nothing stored (--check)")
            return
        report = import_center(store(db, create=True), center, geojson, str(file))
    if as_json:
        emit_json(asdict(report))
        return
    console.print(
        f"imported {report.cells} cells, {report.stations} linkage stations, {report.units} units, "
        f"{report.categories} categories, {report.cameras} cameras ({report.zones} zones) "
        f"from {report.source}"
    )


@app.command()
def cells(db: DbOption = Path(DEFAULT_DB), as_json: JsonOption = False) -> None:
    """List the imported cells with their station, level and responsible units."""
    with library_errors():
        center = load_center(store(db))
    if as_json:
        emit_json({code: c.model_dump(mode="json") for code, c in sorted(center.cells.items())})
        return
    table = Table("code", "name", "station", "level", "units by category", title="grid cells")
    for code, c in sorted(center.cells.items()):
        units = "; ".join(f"{k}: {', '.join(v)}" for k, v in c.units.items())
        table.add_row(code, c.name, c.station, c.level, units)
    console.print(table)


@app.command()
def cameras(db: DbOption = Path(DEFAULT_DB), as_json: JsonOption = False) -> None:
    """List the camera registry: camera, box, zones and their cells."""
    with library_errors():
        center = load_center(store(db))
    if as_json:
        emit_json([c.model_dump(mode="json") for c in center.cameras])
        return
    table = Table("camera", "site/box", "zone", "cell", "kind", title="camera registry")
    for cam in center.cameras:
        for z in cam.zones:
            table.add_row(cam.id, f"{cam.site}/{cam.box}", z.id, z.cell, z.kind or "")
    console.print(table)
