"""Rebuild the center's published figures - 1,816 cases received, 1,712 solved, 87 in progress,
completion rate 94% - from a generated case history run through the real workflow, and account for
the 17 cases that are neither solved nor in progress."""

from __future__ import annotations

import pytest

from collector.stats import StatsFilter, compute_stats, parse_period
from collector.tickets import list_tickets, ticket_history
from collector.tickets.checks import ticket_problems
from tests.collector.builders import center_db, example_center, local
from tests.collector.stats.history import generate

PUBLISHED = {"received": 1816, "solved": 1712, "in_progress": 87}
NEITHER = {"void": 6, "suspended": 5, "returned": 6}  # 17 = 1,816 - 1,712 - 87
AS_OF = local(2016, 1, 31, 12, 0)


@pytest.fixture(scope="module")
def history():
    db = center_db()
    center = example_center()[0]
    plan = generate(db, center, {"closed": 1712, "in_progress": 87, **NEITHER})
    return db, center, plan


def test_published_figures(history) -> None:
    db, center, plan = history
    report = compute_stats(db, center, as_of=AS_OF)
    f = report.overall
    assert (f.received, f.solved, f.in_progress) == (1816, 1712, 87)
    assert round(100 * f.completion_rate) == 94
    neither = f.received - f.solved - f.in_progress
    assert neither == 17 == f.void + f.suspended + f.returned
    assert (f.void, f.suspended, f.returned) == (
        NEITHER["void"],
        NEITHER["suspended"],
        NEITHER["returned"],
    )


def test_the_seventeen_are_explained_by_their_history(history) -> None:
    db, center, plan = history
    last_step = {"void": "void", "suspended": "suspend", "returned": "return"}
    neither = [t for t in list_tickets(db) if plan[t.id] in last_step]
    assert len(neither) == 17
    for t in neither:
        assert ticket_history(db, t.id)[-1].action == last_step[plan[t.id]]
        assert t.state.value == plan[t.id]


def test_every_generated_ticket_is_consistent(history) -> None:
    db, center, _ = history
    for t in list_tickets(db):
        assert ticket_problems(t, ticket_history(db, t.id), center) == [], t.id


@pytest.mark.parametrize("group", ["unit", "cell", "category", "month"])
def test_breakdowns_add_up(history, group: str) -> None:
    db, center, _ = history
    report = compute_stats(db, center, as_of=AS_OF)
    rows = report.by[group].values()
    if group == "unit":  # a supervised case counts for each of its units
        assert sum(r.solved for r in rows) >= report.overall.solved
    else:
        assert sum(r.received for r in rows) == report.overall.received
        assert sum(r.solved for r in rows) == report.overall.solved


def test_quarters_add_up(history) -> None:
    db, center, _ = history
    tz = center.calendar.tz()
    quarters = [
        compute_stats(db, center, StatsFilter(parse_period(f"2015-Q{q}", tz)), AS_OF).overall
        for q in range(1, 5)
    ]
    whole = compute_stats(db, center, StatsFilter(parse_period("2015", tz)), AS_OF).overall
    assert sum(q.received for q in quarters) == whole.received
    assert sum(q.solved for q in quarters) == whole.solved


def test_rates_and_scores_are_in_range(history) -> None:
    db, center, _ = history
    report = compute_stats(db, center, as_of=AS_OF)
    f = report.overall
    assert 0 < f.on_time_closure_rate <= f.closure_rate <= 1
    assert report.scores and all(0 <= s.total <= 100 for s in report.scores)
