"""What the sections of the thematic report read, gathered once from the store: the config, the
period, its tickets, the official figures as of the period's end and the weeks it spans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

import sqlite_utils

from collector.config.models import CenterConfig
from collector.grid.store import load_center
from collector.report.analysis import weeks_between
from collector.stats.period import Period, parse_period
from collector.stats.report import StatsFilter, StatsReport, compute_stats
from collector.tickets.model import Ticket
from collector.tickets.repo import list_tickets

__all__ = ["ReportInput", "gather"]


@dataclass(frozen=True)
class ReportInput:
    """Everything the sections read: config, period, its tickets and the official figures."""

    center: CenterConfig
    period: Period
    tickets: list[Ticket]
    stats: StatsReport
    weeks: list[str]

    @property
    def tz(self) -> tzinfo:
        return self.center.calendar.tz()

    @property
    def as_of(self) -> datetime:
        return self.stats.as_of


def gather(db: sqlite_utils.Database, period_text: str) -> ReportInput:
    """Read the period's tickets and compute its figures as of the period's end."""
    center = load_center(db)
    period = parse_period(period_text, center.calendar.tz())
    stats = compute_stats(db, center, StatsFilter(period=period), as_of=period.end)
    tickets = [  # a replayed recording is not the center's work
        t for t in list_tickets(db) if period.contains(t.received_at) and t.source != "replay"
    ]
    weeks = weeks_between(period.start, period.end, center.calendar.tz())
    return ReportInput(center, period, tickets, stats, weeks)
