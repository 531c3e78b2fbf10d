"""What a timed job gets (its own connection, the round's time, the center) and how it is listed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig
from collector.scheduler.config import SchedulerConfig

__all__ = ["Job", "JobContext"]


@dataclass(frozen=True)
class JobContext:
    db: sqlite_utils.Database
    now: datetime
    center: CenterConfig
    cfg: SchedulerConfig
    pause: Callable[[float], bool]
    """Sleep this many seconds; True when the scheduler is stopping (stop early)."""


@dataclass(frozen=True)
class Job:
    """One row of the jobs table: a name and a function returning the steps it took."""

    name: str
    run: Callable[[JobContext], int]
