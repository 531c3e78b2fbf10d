"""Timed jobs of the long-running collector: escalation on the working calendar (and device
health, and the daily patrol's missing checks), each step exactly once across restarts and across collectors sharing one store.

Why exactly once: every step a job takes is a row with a unique key (``notifications.key``,
per ticket, step and unit) inserted with ``INSERT OR IGNORE`` in the same transaction as the
step's effect (the history row, the supervised flag). A collector killed mid-round loses the
round's open transaction and nothing else; the next round (its own after a restart, or another
collector's) finds the committed steps and takes only the missing ones.
"""

from collector.scheduler.config import SchedulerConfig
from collector.scheduler.loop import JOBS, Job, Scheduler, SchedulerStats

__all__ = ["JOBS", "Job", "Scheduler", "SchedulerConfig", "SchedulerStats"]
