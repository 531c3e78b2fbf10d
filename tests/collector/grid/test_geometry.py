"""Polygon overlap, containment and ring validity of the grid map's pure geometry."""

from __future__ import annotations

import pytest

from collector.grid.geometry import locate, polygons_overlap, ring_problems


def square(x: float, y: float, size: float = 2.0) -> list[tuple[float, float]]:
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


SQ = square(0, 0)


@pytest.mark.parametrize(
    ("other", "overlap"),
    [
        (square(2, 0), False),  # shares an edge
        (square(2, 2), False),  # shares a corner
        (square(5, 5), False),  # apart
        (square(1, 0), True),  # half over, collinear edges, no proper crossing
        (square(1, 1), True),  # corner over
        (square(0, 0), True),  # identical
        (square(0.5, 0.5, 1.0), True),  # inside, not touching
        (square(0, 0, 1.0), True),  # inside, sharing two edges
        (square(-1, -1, 4.0), True),  # contains
        ([(0, 2), (2, 2), (1, 3), (0, 2)], False),  # triangle on top edge
        ([(0, 0), (1, 1), (2, 0), (2, -1), (0, -1), (0, 0)], True),  # pokes in through corners
        ([(1, 2), (1.5, 2), (1.5, 3), (1, 3), (1, 2)], False),  # T-junction on the top edge
        ([(0.5, -1), (1.5, -1), (1.5, 3), (0.5, 3), (0.5, -1)], True),  # crosses through
        # adjacent cells given in real lon/lat with rounding in the last digit
        (square(2.0000000000000004, 0), False),
    ],
)
def test_overlap(other: list[tuple[float, float]], overlap: bool) -> None:
    assert polygons_overlap(SQ, other) is overlap
    assert polygons_overlap(other, SQ) is overlap
    assert polygons_overlap(list(reversed(other)), SQ) is overlap


def test_lon_lat_neighbours_touch_only() -> None:
    dx, dy = 0.002, 0.0015
    cells = [
        [
            (120.882 + i * dx, 30.941 + j * dy),
            (120.882 + (i + 1) * dx, 30.941 + j * dy),
            (120.882 + (i + 1) * dx, 30.941 + (j + 1) * dy),
            (120.882 + i * dx, 30.941 + (j + 1) * dy),
            (120.882 + i * dx, 30.941 + j * dy),
        ]
        for i in range(3)
        for j in range(3)
    ]
    for a in range(len(cells)):
        for b in range(a + 1, len(cells)):
            assert not polygons_overlap(cells[a], cells[b])


@pytest.mark.parametrize(
    ("point", "where"),
    [((1, 1), 1), ((2, 1), 0), ((0, 0), 0), ((3, 1), -1), ((1, 2), 0), ((-0.1, 1), -1)],
)
def test_locate(point: tuple[float, float], where: int) -> None:
    assert locate(point, SQ) == where


@pytest.mark.parametrize(
    ("ring", "reason"),
    [
        (SQ, None),
        (SQ[:-1], "not closed"),
        ([(0, 0), (1, 0), (0, 0)], "at least 4"),
        ([(0, 0), (2, 0), (0, 2), (2, 2), (0, 0)], "crosses itself"),
        ([(0, 0), (1, 0), (2, 0), (0, 0)], "folds back"),
        ([(0, 0), (2, 0), (1, 0), (1, 1), (0, 0)], "folds back"),
        ([(0, 0), (1, "x"), (1, 1), (0, 0)], "two finite numbers"),
        ([(0, 0), (1, float("nan")), (1, 1), (0, 0)], "two finite numbers"),
    ],
)
def test_ring_problems(ring: list, reason: str | None) -> None:
    problems = ring_problems(ring)
    if reason is None:
        assert problems == []
    else:
        assert len(problems) == 1 and reason in problems[0]
