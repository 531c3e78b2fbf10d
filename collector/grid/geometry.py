"""Small pure polygon functions for the grid map (simple polygons, one outer ring, no holes).

Not a general GIS library: enough to validate a grid map. Coordinates are ``(x, y)`` floats
(longitude, latitude). A small relative tolerance absorbs the rounding of shared edges, so two
cells sharing an edge or a corner touch but do not overlap.

Example:
    >>> a = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    >>> b = [(2, 0), (4, 0), (4, 2), (2, 2), (2, 0)]      # shares an edge with a
    >>> c = [(1, 1), (3, 1), (3, 3), (1, 3), (1, 1)]      # overlaps both
    >>> polygons_overlap(a, b), polygons_overlap(a, c)
    (False, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["Point", "ring_problems", "locate", "polygons_overlap", "signed_area", "bbox"]

Point = tuple[float, float]
_REL = 1e-9


def signed_area(ring: Sequence[Point]) -> float:
    """Shoelace area of a closed ring; positive when counter-clockwise."""
    return 0.5 * sum(
        ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)
    )


def bbox(ring: Sequence[Point]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _orient(p: Point, q: Point, r: Point) -> int:
    """+1 if r is left of p->q, -1 if right, 0 if (nearly) on the line."""
    cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    scale = math.hypot(q[0] - p[0], q[1] - p[1]) * math.hypot(r[0] - p[0], r[1] - p[1])
    if abs(cross) <= _REL * scale:
        return 0
    return 1 if cross > 0 else -1


def _on_segment(p: Point, q: Point, r: Point) -> bool:
    """r lies on the closed segment p-q."""
    if _orient(p, q, r) != 0:
        return False
    tol = _REL * (abs(q[0] - p[0]) + abs(q[1] - p[1]) + 1e-300)
    return (
        min(p[0], q[0]) - tol <= r[0] <= max(p[0], q[0]) + tol
        and min(p[1], q[1]) - tol <= r[1] <= max(p[1], q[1]) + tol
    )


def _edges(ring: Sequence[Point]) -> list[tuple[Point, Point]]:
    return [(ring[i], ring[i + 1]) for i in range(len(ring) - 1)]


def _intersect(p: Point, q: Point, r: Point, s: Point) -> bool:
    """The closed segments p-q and r-s share at least one point."""
    o1, o2, o3, o4 = _orient(p, q, r), _orient(p, q, s), _orient(r, s, p), _orient(r, s, q)
    if o1 * o2 < 0 and o3 * o4 < 0:
        return True
    return any(
        (_on_segment(p, q, r), _on_segment(p, q, s), _on_segment(r, s, p), _on_segment(r, s, q))
    )


def _is_position(p: object) -> bool:
    return (
        isinstance(p, list | tuple)
        and len(p) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p)
        and all(math.isfinite(c) for c in p)
    )


def ring_problems(ring: Sequence[Sequence[float]]) -> list[str]:
    """Why ``ring`` is not a usable closed simple polygon (empty list: it is)."""
    if len(ring) < 4:
        return [f"a ring needs at least 4 positions (first = last); it has {len(ring)}"]
    if not all(_is_position(p) for p in ring):
        return ["every position must be two finite numbers [lon, lat]"]
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if pts[0] != pts[-1]:
        return [f"ring is not closed: first {list(pts[0])} != last {list(pts[-1])}"]
    edges = _edges(pts)
    n = len(edges)
    for i in range(n):
        for j in range(i + 1, n):
            adjacent = j == i + 1 or (i == 0 and j == n - 1)
            (p, q), (r, s) = edges[i], edges[j]
            if adjacent:
                shared = q if j == i + 1 else p
                other_i, other_j = (p, s) if j == i + 1 else (q, r)
                if _on_segment(r, s, other_i) or _on_segment(p, q, other_j):
                    return [f"ring folds back on itself at {list(shared)}"]
            elif _intersect(p, q, r, s):
                return [f"ring crosses itself: edge {i} meets edge {j}"]
    if abs(signed_area(pts)) == 0:
        return ["ring has zero area"]
    return []


def locate(pt: Point, ring: Sequence[Point]) -> int:
    """1 if ``pt`` is strictly inside the closed ring, 0 on its boundary, -1 outside."""
    inside = False
    for p, q in _edges(ring):
        if _on_segment(p, q, pt):
            return 0
        if (p[1] > pt[1]) != (q[1] > pt[1]):
            x = p[0] + (pt[1] - p[1]) * (q[0] - p[0]) / (q[1] - p[1])
            if x > pt[0]:
                inside = not inside
    return 1 if inside else -1


def _cuts(p: Point, q: Point, ring: Sequence[Point]) -> list[float]:
    """Parameters along p-q where it meets the boundary of ``ring`` (with 0 and 1)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    norm = dx * dx + dy * dy
    ts = {0.0, 1.0}
    for r, s in _edges(ring):
        for v in (r, s):
            if _on_segment(p, q, v):
                ts.add(((v[0] - p[0]) * dx + (v[1] - p[1]) * dy) / norm)
        o1, o2 = _orient(p, q, r), _orient(p, q, s)
        if o1 * o2 < 0 and _orient(r, s, p) * _orient(r, s, q) <= 0:
            ex, ey = s[0] - r[0], s[1] - r[1]
            denom = dx * ey - dy * ex
            ts.add(((r[0] - p[0]) * ey - (r[1] - p[1]) * ex) / denom)
    return sorted(t for t in ts if 0.0 <= t <= 1.0)


def _boundary_enters(a: Sequence[Point], b: Sequence[Point]) -> bool:
    """Some piece of a's boundary runs through b's interior."""
    for p, q in _edges(a):
        ts = _cuts(p, q, b)
        for t0, t1 in zip(ts, ts[1:], strict=False):
            tm = (t0 + t1) / 2
            mid = (p[0] + tm * (q[0] - p[0]), p[1] + tm * (q[1] - p[1]))
            if locate(mid, b) == 1:
                return True
    return False


def _interior_point(ring: Sequence[Point]) -> Point:
    """A point just inside the ring, next to the middle of its longest edge."""
    p, q = max(_edges(ring), key=lambda e: math.dist(e[0], e[1]))
    length = math.dist(p, q)
    side = 1.0 if signed_area(ring) > 0 else -1.0
    nx, ny = -(q[1] - p[1]) / length * side, (q[0] - p[0]) / length * side
    d = length * 1e-6
    return ((p[0] + q[0]) / 2 + nx * d, (p[1] + q[1]) / 2 + ny * d)


def polygons_overlap(a: Sequence[Point], b: Sequence[Point]) -> bool:
    """True when the interiors of two simple closed rings share an area.

    Touching along an edge or at a corner is not an overlap. Exact for simple polygons, up to the
    tolerance that absorbs rounding (slivers thinner than ~1e-6 of an edge are not reported).
    """
    ax0, ay0, ax1, ay1 = bbox(a)
    bx0, by0, bx1, by1 = bbox(b)
    if ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0:
        return False
    if _boundary_enters(a, b) or _boundary_enters(b, a):
        return True
    # Neither boundary enters the other's interior: they overlap only if the regions are equal.
    return locate(_interior_point(a), b) == 1 or locate(_interior_point(b), a) == 1
