"""Parse and validate a grid map: a GeoJSON FeatureCollection of grid cells.

Each feature is a ``Polygon`` (one closed outer ring, no holes) with properties:

- ``code``: 15 digits = 6-digit county division code + 3 town + 3 community + 3 cell;
- ``name``; ``station``: the linkage station (a unit id); ``level``: management level A/B/C;
- ``units``: responsible units by category code, e.g. ``{"0101": ["xitang-squad"]}``.

:func:`grid_problems` lists every problem as ``(feature, reason)``: bad structure, open or
self-crossing rings, duplicate codes, overlapping cells, and camera zones in unknown cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collector.errors import GridError
from collector.grid.geometry import Point, bbox, polygons_overlap, ring_problems

__all__ = ["Cell", "parse_grid", "grid_problems", "cell_problems"]

CODE = re.compile(r"^\d{15}$")


@dataclass(frozen=True)
class Cell:
    """One grid cell: its code, properties and outer ring."""

    code: str
    name: str
    station: str
    level: str
    units: dict[str, list[str]] = field(default_factory=dict)
    ring: tuple[Point, ...] = ()

    def info(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "station": self.station,
            "level": self.level,
            "units": self.units,
        }


def _feature_label(i: int, feature: Any) -> str:
    code = feature.get("properties", {}).get("code") if isinstance(feature, dict) else None
    return f"feature[{i}] ({code})" if code else f"feature[{i}]"


def cell_problems(i: int, feature: Any) -> tuple[Cell | None, list[tuple[str, str]]]:
    """Parse one feature; returns the cell (or None) and its problems."""
    label = _feature_label(i, feature)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [(label, "not a GeoJSON Feature")]
    props = feature.get("properties") or {}
    problems: list[tuple[str, str]] = []
    code = props.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.append((label, f"code must be 15 digits; got {code!r}"))
    for key in ("name", "station", "level"):
        if not isinstance(props.get(key), str) or not props.get(key):
            problems.append((label, f"property {key!r} is missing or empty"))
    units = props.get("units", {})
    if not isinstance(units, dict) or not all(
        isinstance(v, list) and all(isinstance(u, str) for u in v) for v in units.values()
    ):
        problems.append((label, "units must map category codes to lists of unit ids"))
    geom = feature.get("geometry") or {}
    if geom.get("type") != "Polygon":
        problems.append((label, f"geometry must be a Polygon; got {geom.get('type')!r}"))
        return None, problems
    rings = geom.get("coordinates") or []
    if len(rings) != 1:
        problems.append((label, f"polygon must have exactly one ring (no holes); has {len(rings)}"))
        return None, problems
    problems += [(label, reason) for reason in ring_problems(rings[0])]
    if problems:
        return None, problems
    ring = tuple((float(x), float(y)) for x, y in rings[0])
    cell = Cell(str(code), props["name"], props["station"], props["level"], dict(units), ring)
    return cell, []


def _overlaps(cells: list[Cell]) -> list[tuple[str, str]]:
    boxes = [bbox(c.ring) for c in cells]
    order = sorted(range(len(cells)), key=lambda i: boxes[i][0])
    problems = []
    for n, i in enumerate(order):
        for j in order[n + 1 :]:
            if boxes[j][0] >= boxes[i][2]:
                break
            if polygons_overlap(cells[i].ring, cells[j].ring):
                problems.append((f"cell {cells[i].code}", f"overlaps cell {cells[j].code}"))
    return problems


def grid_problems(
    data: Any, zones: list[tuple[str, str]] | None = None
) -> tuple[list[Cell], list[tuple[str, str]]]:
    """Validate a FeatureCollection; ``zones`` are ``(camera/zone label, cell code)`` to check."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [("<root>", "not a GeoJSON FeatureCollection")]
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return [], [("<root>", "features must be a non-empty list")]
    cells: list[Cell] = []
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features):
        cell, found = cell_problems(i, feature)
        problems += found
        code = feature.get("properties", {}).get("code") if isinstance(feature, dict) else None
        if isinstance(code, str) and code in seen:
            problems.append(
                (_feature_label(i, feature), f"code also used by feature[{seen[code]}]")
            )
            continue
        if isinstance(code, str):
            seen[code] = i
        if cell is not None:
            cells.append(cell)
    problems += _overlaps(cells)
    for label, code in zones or []:
        if code not in seen:
            problems.append((label, f"lies in cell {code}, which is not in the grid map"))
    return cells, problems


def parse_grid(
    data: Any, source: str = "<dict>", zones: list[tuple[str, str]] | None = None
) -> list[Cell]:
    """The cells of a valid grid map; raises :class:`GridError` listing every problem.

    Example:
        >>> sq = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
        >>> f = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [sq]},
        ...      "properties": {"code": "330421101001001", "name": "n", "station": "s",
        ...                     "level": "A"}}
        >>> [c.code for c in parse_grid({"type": "FeatureCollection", "features": [f]})]
        ['330421101001001']
    """
    cells, problems = grid_problems(data, zones)
    if problems:
        raise GridError(source, problems)
    return cells
