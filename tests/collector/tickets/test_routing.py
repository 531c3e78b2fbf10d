"""Routing precedence: cell units > longest routing rule > category defaults."""

from __future__ import annotations

import pytest

from collector.tickets import route
from tests.collector.builders import example_center


@pytest.mark.parametrize(
    ("cell", "category", "units", "mode", "source"),
    [
        # the bridge cell names its own crowd unit
        ("330421101001002", "9001", ("tourism-office",), "assign", "cell 330421101001002"),
        # Beizha lanes: community rule
        ("330421101001001", "9001", ("tourism-office",), "assign", "routing rule 330421101001"),
        # Xiyuan village: squad with the linkage station, so supervise
        (
            "330421101003002",
            "0101",
            ("xitang-squad", "station-xiyuan"),
            "supervise",
            "routing rule 330421101003",
        ),
        # town-wide rule
        ("330421101002003", "9102", ("fire-safety",), "assign", "routing rule 330421101"),
        # no rule: category default
        ("330421101002005", "0101", ("xitang-squad",), "assign", "category 0101 default"),
        ("330421101002005", "9101", ("market-supervision",), "assign", "category 9101 default"),
        # direct mode: the center itself
        ("330421101001001", "9003", ("camera-maintenance",), "assign", "category 9003 default"),
        # a cell outside the map still routes by category
        ("unassigned", "9002", ("tourism-office",), "assign", "category 9002 default"),
    ],
)
def test_route(cell: str, category: str, units: tuple, mode: str, source: str) -> None:
    r = route(example_center()[0], cell, category)
    assert (r.units, r.mode.value, r.source) == (units, mode, source)
