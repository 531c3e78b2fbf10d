"""Statistics formulas on hand-made tickets; periods; the unit score."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

import pytest

from collector.config.models import Scoring
from collector.errors import PeriodError
from collector.stats import UnitActivity, bucket_of, figures, parse_period, score_unit
from collector.tickets import State, Ticket
from tests.collector.builders import local

T0 = local(2015, 5, 4, 9, 0)
DUE = T0 + timedelta(days=2)
AS_OF = T0 + timedelta(days=10)
BASE = Ticket(
    id=1,
    state=State.RECEIVED,
    category="0101",
    title="t",
    source="manual",
    grid_cell="330421101001001",
    received_at=T0,
    updated_at=T0,
)


def closed(report_at, **kw) -> Ticket:
    return replace(BASE, state=State.CLOSED, due_at=DUE, reported_at=report_at, **kw)


ON_TIME = closed(DUE - timedelta(hours=1))
LATE = closed(DUE + timedelta(hours=1))
OVERDUE = replace(BASE, state=State.ACCEPTED, due_at=DUE)
NOT_YET_DUE = replace(BASE, state=State.ACCEPTED, due_at=AS_OF + timedelta(days=1))


@pytest.mark.parametrize(
    ("state", "bucket"),
    [
        (State.CLOSED, "solved"),
        (State.VOID, "void"),
        (State.DUPLICATE, "void"),
        (State.SUSPENDED, "suspended"),
        (State.RETURNED, "returned"),
        (State.RECEIVED, "in_progress"),
        (State.REGISTERED, "in_progress"),
        (State.DISPATCHED, "in_progress"),
        (State.ACCEPTED, "in_progress"),
        (State.EXTENSION_REQUESTED, "in_progress"),
        (State.REPORTED, "in_progress"),
        (State.VERIFIED, "in_progress"),
    ],
)
def test_every_state_has_one_bucket(state: State, bucket: str) -> None:
    assert bucket_of(state) == bucket


@pytest.mark.parametrize(
    ("tickets", "expected"),
    [
        ([], {"received": 0, "completion_rate": None, "closure_rate": None}),
        (
            [ON_TIME, LATE, OVERDUE, NOT_YET_DUE],
            {
                "received": 4,
                "solved": 2,
                "in_progress": 2,
                "due_to_close": 3,
                "closed_due": 2,
                "closed_on_time": 1,
                "completion_rate": 0.5,
                "closure_rate": 2 / 3,
                "on_time_closure_rate": 1 / 3,
            },
        ),
        (
            [
                ON_TIME,
                replace(BASE, state=State.VOID, due_at=DUE),
                replace(BASE, state=State.SUSPENDED),
            ],
            {
                "received": 3,
                "solved": 1,
                "void": 1,
                "suspended": 1,
                "due_to_close": 1,
                "completion_rate": 1 / 3,
                "closure_rate": 1.0,
                "on_time_closure_rate": 1.0,
            },
        ),
        (
            [replace(ON_TIME, urgent=True), replace(LATE, urgent=True), LATE],
            {
                "urgent_due": 2,
                "urgent_on_time": 1,
                "urgent_on_time_rate": 0.5,
                "on_time_closure_rate": 1 / 3,
            },
        ),
        (  # closed early: due to close already (counted), and on time
            [replace(ON_TIME, due_at=AS_OF + timedelta(days=5))],
            {"due_to_close": 1, "closed_on_time": 1},
        ),
    ],
)
def test_figures(tickets: list[Ticket], expected: dict) -> None:
    f = figures(tickets, AS_OF)
    for name, value in expected.items():
        if value is None:
            assert getattr(f, name) is None, name
        else:
            assert getattr(f, name) == pytest.approx(value), name


def test_buckets_add_up() -> None:
    ts = [
        ON_TIME,
        LATE,
        OVERDUE,
        replace(BASE, state=State.RETURNED),
        replace(BASE, state=State.VOID),
    ]
    f = figures(ts, AS_OF)
    assert f.solved + f.in_progress + f.suspended + f.returned + f.void == f.received == 5


CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2015", (2015, 1, 1), (2016, 1, 1)),
        ("2015-Q2", (2015, 4, 1), (2015, 7, 1)),
        ("2015-Q4", (2015, 10, 1), (2016, 1, 1)),
        ("2015-12", (2015, 12, 1), (2016, 1, 1)),
        ("2015-05-01", (2015, 5, 1), (2015, 5, 2)),
        ("2015-05-01..2015-05-03", (2015, 5, 1), (2015, 5, 4)),
    ],
)
def test_periods(text: str, start: tuple, end: tuple) -> None:
    p = parse_period(text, CST)
    assert (p.start, p.end) == (local(*start), local(*end))


@pytest.mark.parametrize("text", ["2015-13", "2015-Q5", "May", "2015-05-03..2015-05-01", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError, match="not understood"):
        parse_period(text, CST)


@pytest.mark.parametrize(
    ("tickets", "activity", "total", "deducted"),
    [
        ([], UnitActivity(0, 0), 100.0, 0.0),  # nothing to hold against the unit
        ([ON_TIME, ON_TIME], UnitActivity(2, 0), 100.0, 0.0),
        # one of two closed late: on-time 25 of 50
        ([ON_TIME, LATE], UnitActivity(2, 0), 75.0, 0.0),
        # an overdue open ticket: closure 2/3 (13.3), on time 1/3 (16.7)
        ([ON_TIME, LATE, OVERDUE], UnitActivity(3, 0), 100 - 50 * 2 / 3 - 20 / 3, 0.0),
        # a rework and a falsified result, one reasonless return of 4 dispatches
        (
            [replace(ON_TIME, reworks=1, falsified=1), ON_TIME],
            UnitActivity(4, 1),
            100 - 10 * 0.5 - 10 * 0.25 - 2 - 5 - 10,
            17.0,
        ),
        ([replace(ON_TIME, falsified=12)], UnitActivity(1, 0), 0.0, 120.0),  # floored at 0
    ],
)
def test_unit_score(tickets, activity, total, deducted) -> None:
    s = score_unit("u", tickets, activity, AS_OF, Scoring())
    assert s.total == pytest.approx(total)
    assert sum(s.deducted.values()) == pytest.approx(deducted)
    assert sum(s.earned.values()) <= 100
