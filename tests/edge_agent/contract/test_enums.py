"""Each enum of the contract says exactly what its schema allows: one definition each."""

from __future__ import annotations

from enum import StrEnum

import pytest

from edge_agent.contract import load_schema
from edge_agent.contract.incident import EMITTED_LEVELS, EventState, IncidentKind, Level
from edge_agent.contract.status import BoxState, WireCameraState


def _enum(message: str, *path: str) -> set[str]:
    node = load_schema(message)
    for key in path:
        node = node[key]
    return set(node["enum"])


def test_the_schema_levels_are_levels_values_without_normal() -> None:
    """``normal`` never leaves the box; every other level is on the wire, and nothing else."""
    assert _enum("incident", "properties", "level") == {lv.value for lv in EMITTED_LEVELS}
    assert set(Level) - set(EMITTED_LEVELS) == {Level.NORMAL}


@pytest.mark.parametrize(
    ("enum", "message", "path"),
    [
        (EventState, "incident", ("properties", "state")),
        (BoxState, "status", ("properties", "state")),
        (WireCameraState, "status", ("$defs", "camera", "properties", "state")),
        (WireCameraState, "metrics", ("$defs", "camera", "properties", "state")),
    ],
)
def test_an_enum_of_the_contract_equals_its_schema(
    enum: type[StrEnum], message: str, path: tuple[str, ...]
) -> None:
    assert _enum(message, *path) == {m.value for m in enum}


def test_the_schema_kinds_are_the_incident_kinds() -> None:
    assert _enum("incident", "properties", "kind") == {k.value for k in IncidentKind}


def test_every_level_has_an_evidence_colour() -> None:
    from edge_agent.draw import LEVEL_COLOURS

    assert set(LEVEL_COLOURS) == set(Level)
