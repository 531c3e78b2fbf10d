"""Whose patrol a person may read: the center's staff every cell, a unit handler the cells whose
construction cases go to its unit (the routing of illegal construction and of the stop-work
category: the unit that would be sent to a changed place), nobody else."""

from __future__ import annotations

from collector.config.models import CenterConfig, Role
from collector.tickets.permissions import Right, has_right
from collector.tickets.routing import route

__all__ = ["CONSTRUCTION_CATEGORY", "patrol_cells"]

CONSTRUCTION_CATEGORY = "0101"
"""Illegal construction (national classification): where a changed watched place is sent."""


def _categories(center: CenterConfig) -> list[str]:
    codes = {c.code for c in center.categories}
    wanted = [CONSTRUCTION_CATEGORY, center.policy.patrol.stop_work_category]
    return [c for c in wanted if c is not None and c in codes]


def patrol_cells(center: CenterConfig, role: Role, unit: str | None) -> set[str] | None:
    """The cells ``role`` in ``unit`` may read; ``None``: every cell; empty: none."""
    if not has_right(role, Right.VIEW_PATROL):
        return set()
    if has_right(role, Right.VIEW_ALL_UNITS):
        return None
    if role is not Role.UNIT_HANDLER or unit is None:
        return set()
    cats = _categories(center)
    return {
        cell for cell in center.cells if any(unit in route(center, cell, c).units for c in cats)
    }
