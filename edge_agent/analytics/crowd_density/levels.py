"""Crowd levels from a density or a count. Pure functions over the configured thresholds."""

from __future__ import annotations

from bisect import bisect_right

from edge_agent.config.models import CrowdThresholds
from edge_agent.contract.incident import Level

__all__ = ["FRUIN_WALKWAY_LOS", "los_for_density", "level_for", "level_threshold"]

#: Fruin walkway level of service: (upper density bound in persons/m², letter). Above the last
#: bound is LOS F. E starts above 1.08 and F above 2.17, the defaults of the advisory/warning levels.
FRUIN_WALKWAY_LOS: tuple[tuple[float, str], ...] = (
    (0.31, "A"),
    (0.43, "B"),
    (0.72, "C"),
    (1.08, "D"),
    (2.17, "E"),
)
_LOS_BOUNDS = [b for b, _ in FRUIN_WALKWAY_LOS]


def los_for_density(density: float) -> str:
    """Walkway LOS letter of a density (persons/m²).

    Example:
        >>> los_for_density(0.2), los_for_density(1.5), los_for_density(3.0)
        ('A', 'E', 'F')
    """
    i = bisect_right(_LOS_BOUNDS, density - 1e-12) if density > 0 else 0
    return FRUIN_WALKWAY_LOS[i][1] if i < len(FRUIN_WALKWAY_LOS) else "F"


_ORDER = (Level.ADVISORY, Level.WARNING, Level.CRITICAL)


def level_threshold(t: CrowdThresholds, level: Level, by_density: bool) -> float:
    """The value at which ``level`` starts (density in persons/m², or a head count)."""
    if by_density:
        return {
            Level.ADVISORY: t.advisory_density,
            Level.WARNING: t.warning_density,
            Level.CRITICAL: t.critical_density,
        }[level]
    return float(
        {
            Level.ADVISORY: t.advisory_count,
            Level.WARNING: t.warning_count,
            Level.CRITICAL: t.critical_count,
        }[level]
    )


def level_for(value: float, t: CrowdThresholds, by_density: bool, scale: float = 1.0) -> Level:
    """Level of a value; ``scale`` < 1 lowers every threshold (the clear margin of hysteresis).

    Densities: advisory and warning start strictly *above* their threshold, critical *at* it
    (the walkway LOS wording). Head counts: each level starts *at* its count.

    Example:
        >>> t = CrowdThresholds()
        >>> [level_for(v, t, True).value for v in (1.0, 1.5, 2.5, 4.0)]
        ['normal', 'advisory', 'warning', 'critical']
    """
    result = Level.NORMAL
    for level in _ORDER:
        thr = level_threshold(t, level, by_density) * scale
        inclusive = level is Level.CRITICAL or not by_density
        reached = value >= thr if inclusive else value > thr
        if reached:
            result = level
    return result
