"""The 100-point unit score (scheme in ``policy.yaml``, :class:`collector.config.models.Scoring`).

Earned points (they add up to 100; a rate with no cases counts as 1 - nothing to hold against the
unit):

- ``on_time_closure`` (50) x the unit's on-time closure rate;
- ``closure`` (20) x its standard closure rate;
- ``urgent`` (10) x the on-time closure rate of its urgent tickets;
- ``first_pass`` (10) x the share of its verified results that passed verification the first time;
- ``no_return`` (10) x (1 - returns without a reason / dispatches to the unit).

Deductions: ``rework_penalty`` per failed verification, ``return_without_reason_penalty`` per
return without a reason (shifting a case), ``falsified_penalty`` per falsified result - a result
report the verifier found untrue (e.g. "demolished" while the camera still shows the structure;
``verify --fail --falsified``). The total is floored at 0. A unit's tickets are those it is
currently responsible for (a unit that returned a ticket answers for the return, not the ticket).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collector.config.models import Scoring
from collector.stats.figures import figures
from collector.tickets.model import Ticket
from collector.tickets.workflow import State

__all__ = ["UnitActivity", "UnitScore", "score_unit"]


@dataclass(frozen=True)
class UnitActivity:
    """What a unit did besides its current tickets (from the audit trail)."""

    dispatches: int
    returns_without_reason: int


@dataclass(frozen=True)
class UnitScore:
    unit: str
    earned: dict[str, float]
    deducted: dict[str, float]
    total: float

    def to_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "earned": {k: round(v, 2) for k, v in self.earned.items()},
            "deducted": {k: round(v, 2) for k, v in self.deducted.items()},
            "total": round(self.total, 2),
        }


def _or_one(value: float | None) -> float:
    return 1.0 if value is None else value


def score_unit(
    unit: str, tickets: list[Ticket], activity: UnitActivity, as_of: datetime, scheme: Scoring
) -> UnitScore:
    """Score ``unit`` on its ``tickets`` at ``as_of``."""
    f = figures(tickets, as_of)
    verified = [t for t in tickets if t.state in (State.VERIFIED, State.CLOSED)]
    first_pass = sum(t.reworks == 0 for t in verified) / len(verified) if verified else None
    no_return = (
        1 - activity.returns_without_reason / activity.dispatches if activity.dispatches else None
    )
    earned = {
        "on_time_closure": scheme.on_time_closure * _or_one(f.on_time_closure_rate),
        "closure": scheme.closure * _or_one(f.closure_rate),
        "urgent": scheme.urgent * _or_one(f.urgent_on_time_rate),
        "first_pass": scheme.first_pass * _or_one(first_pass),
        "no_return": scheme.no_return * max(0.0, _or_one(no_return)),
    }
    deducted = {
        "rework": scheme.rework_penalty * sum(t.reworks for t in tickets),
        "return_without_reason": scheme.return_without_reason_penalty
        * activity.returns_without_reason,
        "falsified": scheme.falsified_penalty * sum(t.falsified for t in tickets),
    }
    total = max(0.0, sum(earned.values()) - sum(deducted.values()))
    return UnitScore(unit, earned, deducted, total)
