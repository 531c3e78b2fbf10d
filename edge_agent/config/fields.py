"""Annotated field types shared by the config models: ids, grid cells, image points."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["ID_PATTERN", "Identifier", "GridCellCode", "Point"]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Identifier = Annotated[
    str, Field(pattern=ID_PATTERN, description="letters, digits, _ . - (MQTT-safe)")
]
GridCellCode = Annotated[
    str,
    Field(
        pattern=r"^(\d{15}|unassigned)$",
        description="15 digits: 6 county + 3 town + 3 community + 3 cell ('unassigned': ad-hoc replay)",
    ),
]
Point = tuple[float, float]
