"""Read a grid map with the center's YAML files beside it, validate all of it, keep it in the store.

``collector grid import FILE`` reads ``FILE`` (GeoJSON) and, from the same directory, the files in
:data:`collector.config.load.CENTER_FILES` and ``cameras.yaml``. Nothing is stored unless all of it
is valid. The ticket code reads the imported config back with :func:`load_center`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from collector.config.load import CENTER_FILES, load_center_files, parse_center
from collector.config.models import CenterConfig
from collector.errors import ConfigError, GridError
from collector.grid.geometry import locate
from collector.grid.mapfile import Cell, parse_grid
from collector.store import write_transaction

__all__ = [
    "ImportReport",
    "read_center",
    "import_center",
    "load_center",
    "cell_at",
    "CAMERAS_FILE",
]

CAMERAS_FILE = "cameras.yaml"
_CACHE: dict[str, CenterConfig] = {}


@dataclass(frozen=True)
class ImportReport:
    """What an import stored."""

    source: str
    cells: int
    stations: int
    units: int
    categories: int
    cameras: int
    zones: int


def _read_geojson(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise GridError(str(path), [("<file>", f"cannot read: {err.strerror}")]) from None
    except json.JSONDecodeError as err:
        raise GridError(str(path), [("<file>", f"not valid JSON: {err}")]) from None


def read_center(
    grid_path: str | os.PathLike[str], config_dir: str | os.PathLike[str] | None = None
) -> tuple[CenterConfig, list[Cell], Any]:
    """Validate the grid map and the YAML files; returns (config with cells, cells, GeoJSON)."""
    grid_file = Path(grid_path)
    folder = Path(config_dir) if config_dir is not None else grid_file.parent
    geojson = _read_geojson(grid_file)  # first: a wrong path is named as such
    paths = [folder / n for n in (*CENTER_FILES, CAMERAS_FILE) if (folder / n).exists()]
    data, origins = load_center_files(paths)
    base = parse_center(data, str(folder), origins)
    zones = [(f"camera {c.id} zone {z.id}", z.cell) for c in base.cameras for z in c.zones]
    cells = parse_grid(geojson, str(grid_file), zones)
    data["cells"] = {c.code: c.info() for c in cells}
    origins["cells"] = str(grid_file)
    center = parse_center(data, str(folder), origins)
    bad = [
        (f"cell {code}", f"station {cell.station!r} is not a linkage station")
        for code, cell in center.cells.items()
        if next(u for u in center.units if u.id == cell.station).kind.value != "linkage_station"
    ]
    if bad:
        raise GridError(str(grid_file), bad)
    return center, cells, geojson


def import_center(
    db: sqlite_utils.Database, center: CenterConfig, geojson: Any, source: str
) -> ImportReport:
    """Store a validated config and grid map (replacing the previous import) in one transaction."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write_transaction(db):
        for name, body in (("center", center.model_dump(mode="json")), ("grid", geojson)):
            db.table("center_config").upsert(
                {"name": name, "source": source, "imported_at": now, "body": json.dumps(body)},
                pk="name",
            )
    return ImportReport(
        source=source,
        cells=len(center.cells),
        stations=len({c.station for c in center.cells.values()}),
        units=len(center.units),
        categories=len(center.categories),
        cameras=len(center.cameras),
        zones=sum(len(c.zones) for c in center.cameras),
    )


def load_center(db: sqlite_utils.Database) -> CenterConfig:
    """The config last imported into this store (cached by content)."""
    rows = list(db.query("SELECT body FROM center_config WHERE name = 'center'"))
    if not rows:
        raise ConfigError(
            "<store>",
            [("center_config", None, "no grid map imported; run 'collector grid import'")],
        )
    body = rows[0]["body"]
    key = hashlib.sha256(body.encode()).hexdigest()
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = CenterConfig.model_validate(json.loads(body))
    return _CACHE[key]


def cell_at(db: sqlite_utils.Database, lon: float, lat: float) -> str | None:
    """The code of the imported grid cell containing (lon, lat), or ``None``."""
    rows = list(db.query("SELECT body FROM center_config WHERE name = 'grid'"))
    if not rows:
        return None
    for cell in parse_grid(json.loads(rows[0]["body"])):
        if locate((lon, lat), cell.ring) >= 0:
            return cell.code
    return None
