"""Case statistics and the unit assessment."""

from collector.stats.figures import BUCKETS, Figures, bucket_of, figures
from collector.stats.period import Period, PeriodError, parse_period
from collector.stats.report import StatsFilter, StatsReport, compute_stats
from collector.stats.score import UnitActivity, UnitScore, score_unit

__all__ = [
    "BUCKETS",
    "Figures",
    "bucket_of",
    "figures",
    "Period",
    "PeriodError",
    "parse_period",
    "StatsFilter",
    "StatsReport",
    "compute_stats",
    "UnitActivity",
    "UnitScore",
    "score_unit",
]
