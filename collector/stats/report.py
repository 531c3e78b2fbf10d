"""Statistics from the store: overall figures, per unit / cell / category / month, unit scores.

Example:
    >>> from datetime import datetime, timezone
    >>> from collector.grid import read_center
    >>> from collector.store import open_store
    >>> center, _, _ = read_center("configs/grid/cells.geojson")
    >>> r = compute_stats(open_store(":memory:"), center, as_of=datetime.now(timezone.utc))
    >>> r.overall.received, r.overall.completion_rate
    (0, None)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig
from collector.stats.figures import Figures, figures
from collector.stats.period import Period, month_key
from collector.stats.score import UnitActivity, UnitScore, score_unit
from collector.tickets.model import Ticket
from collector.tickets.queries import audit_rows
from collector.tickets.repo import list_tickets

__all__ = ["StatsFilter", "StatsReport", "compute_stats", "unit_activity"]


@dataclass(frozen=True)
class StatsFilter:
    period: Period | None = None
    unit: str | None = None
    cell: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class StatsReport:
    as_of: datetime
    filter: StatsFilter
    overall: Figures
    by: dict[str, dict[str, Figures]] = field(default_factory=dict)
    scores: list[UnitScore] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        p = self.filter.period
        return {
            "as_of": self.as_of.isoformat(),
            "filter": {
                "period": None
                if p is None
                else {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()},
                "unit": self.filter.unit,
                "cell": self.filter.cell,
                "category": self.filter.category,
            },
            "overall": self.overall.to_json(),
            "by": {g: {k: f.to_json() for k, f in rows.items()} for g, rows in self.by.items()},
            "scores": [s.to_json() for s in self.scores],
        }


def unit_activity(db: sqlite_utils.Database, tickets: set[int]) -> dict[str, UnitActivity]:
    """Dispatches to and reasonless returns by each unit, over the given tickets' audit rows."""
    dispatches: dict[str, int] = defaultdict(int)
    returns: dict[str, int] = defaultdict(int)
    for r in audit_rows(db, ("dispatch", "redispatch", "return")):
        if r.ticket_id not in tickets:
            continue
        if r.action == "return":
            if not r.data.get("with_reason", True) and r.data.get("unit"):
                returns[r.data["unit"]] += 1
        else:
            for u in r.data.get("units", []):
                dispatches[u] += 1
    units = set(dispatches) | set(returns)
    return {u: UnitActivity(dispatches[u], returns[u]) for u in units}


def _groups(tickets: list[Ticket], center: CenterConfig) -> dict[str, dict[str, list[Ticket]]]:
    tz = center.calendar.tz()
    groups: dict[str, dict[str, list[Ticket]]] = {
        "unit": defaultdict(list),
        "cell": defaultdict(list),
        "category": defaultdict(list),
        "month": defaultdict(list),
    }
    for t in tickets:
        for u in t.units:
            groups["unit"][u].append(t)
        groups["cell"][t.grid_cell].append(t)
        groups["category"][t.category].append(t)
        groups["month"][month_key(t.received_at, tz)].append(t)
    return groups


def compute_stats(
    db: sqlite_utils.Database,
    center: CenterConfig,
    filt: StatsFilter | None = None,
    as_of: datetime | None = None,
) -> StatsReport:
    """Figures of the tickets matching ``filt``, at ``as_of`` (required: no wall clock here)."""
    filt = filt or StatsFilter()
    if as_of is None:
        raise ValueError("compute_stats needs as_of")
    tickets = list_tickets(db, unit=filt.unit, cell=filt.cell, category=filt.category)
    tickets = [t for t in tickets if t.source != "replay"]  # a recording is not the center's work
    if filt.period is not None:
        tickets = [t for t in tickets if filt.period.contains(t.received_at)]
    groups = _groups(tickets, center)
    by = {g: {k: figures(v, as_of) for k, v in sorted(rows.items())} for g, rows in groups.items()}
    activity = unit_activity(db, {t.id for t in tickets})
    units = sorted(set(groups["unit"]) | set(activity))
    if filt.unit:
        units = [u for u in units if u == filt.unit]
    scheme = center.policy.scoring
    scores = [
        score_unit(u, groups["unit"].get(u, []), activity.get(u, UnitActivity(0, 0)), as_of, scheme)
        for u in units
    ]
    return StatsReport(as_of, filt, figures(tickets, as_of), by, scores)
