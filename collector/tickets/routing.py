"""Routing: which units a ticket of a category in a cell goes to, and in which mode (pure).

Precedence: the cell's own ``units`` for the category (grid map) > the routing rule with the
longest matching area code prefix (``routing.yaml``) > the category's ``default_units``. The mode
is the category's ``default_mode``, or ``supervise`` when more than one unit is named.

Example:
    >>> from collector.grid import read_center
    >>> center, _, _ = read_center("configs/grid/cells.geojson")
    >>> r = route(center, "330421101003002", "0101")
    >>> r.units, r.mode.value, r.source
    (('xitang-squad', 'station-xiyuan'), 'supervise', 'routing rule 330421101003')
"""

from __future__ import annotations

from dataclasses import dataclass

from collector.config.models import CenterConfig, Mode
from collector.tickets.effects import center_unit

__all__ = ["Route", "route"]


@dataclass(frozen=True)
class Route:
    units: tuple[str, ...]
    mode: Mode
    source: str

    def to_json(self) -> dict[str, object]:
        return {"units": list(self.units), "mode": self.mode.value, "source": self.source}


def _units(center: CenterConfig, cell: str, category: str) -> tuple[tuple[str, ...], str]:
    info = center.cells.get(cell)
    if info is not None and info.units.get(category):
        return tuple(info.units[category]), f"cell {cell}"
    rules = [r for r in center.routing if category in r.categories and cell.startswith(r.area)]
    if rules:
        best = max(rules, key=lambda r: len(r.area))
        return tuple(best.units), f"routing rule {best.area}"
    return tuple(center.category(category).default_units), f"category {category} default"


def route(center: CenterConfig, cell: str, category: str) -> Route:
    """The proposed dispatch of a ticket of ``category`` in ``cell``."""
    units, source = _units(center, cell, category)
    mode = center.category(category).default_mode
    if len(units) > 1:
        mode = Mode.SUPERVISE
    elif mode is Mode.DIRECT:
        units = (center_unit(center),)
    elif mode is Mode.SUPERVISE:
        mode = Mode.ASSIGN
    return Route(units, mode, source)
