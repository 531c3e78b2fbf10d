"""The grid map (GeoJSON cells) and the camera registry: validation and import into the store."""

from collector.grid.mapfile import Cell, grid_problems, parse_grid
from collector.grid.store import ImportReport, import_center, load_center, read_center

__all__ = [
    "Cell",
    "parse_grid",
    "grid_problems",
    "ImportReport",
    "read_center",
    "import_center",
    "load_center",
]
