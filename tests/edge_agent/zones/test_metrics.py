"""Zone metrics validate themselves: a value no zone can measure is refused, naming the field."""

from __future__ import annotations

import math

import pytest

from edge_agent.contract.incident import Level
from edge_agent.zones.metrics import ZoneMetrics


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"count": -1}, "count must be an int >= 0; got -1"),
        ({"count": 2.5}, "count must be an int"),
        ({"count": True}, "count must be an int"),
        ({"density": None}, "density and .los come together"),
        ({"los": "G"}, "los must be one of A-F; got 'G'"),
        ({"density": -0.1}, "density must be finite and >= 0"),
        ({"smoothed": math.nan}, "smoothed must be finite"),
        ({"level": "warning"}, "level must be a Level"),
        ({"trend_per_min": math.inf}, "trend_per_min must be finite"),
    ],
)
def test_zone_metrics_refuse_what_no_zone_can_measure(fields: dict, error: str) -> None:
    good = {"zone_id": "lane", "count": 3, "density": 0.3, "los": "A", "level": Level.NORMAL}
    with pytest.raises(ValueError, match=error):
        ZoneMetrics(**(good | {"smoothed": 0.3} | fields))
