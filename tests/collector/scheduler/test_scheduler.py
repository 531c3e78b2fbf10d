"""The scheduler inside ``collector run``: escalation on the working calendar, each step exactly
once across a SIGKILL and with two collectors on one store (real processes, real Mosquitto)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from collector.scheduler import Scheduler, SchedulerConfig
from collector.store import open_store
from collector.tickets import (
    Action,
    ActionArgs,
    Mode,
    NewTicket,
    Role,
    apply_action,
    get_ticket,
    receive,
    ticket_history,
)
from collector.tickets.changes import read_changes
from collector.tickets.checks import ticket_problems
from tests.collector.builders import CHIEF, center_db, example_center, local

COLLECTOR = str(Path(sys.executable).parent / "collector")
CENTER = example_center()[0]
# the scheduler runs on the wall clock: these tickets were dispatched a month ago (their 8
# working-hour limit of category 9102 long gone whatever holidays lay in between)
T0 = (datetime.now(UTC) - timedelta(days=30)).astimezone(local(2015, 1, 1).tzinfo)
STEPS_PER_TICKET = 3  # reminder to the unit, supervision, discipline record (one unit each)


def dispatched_tickets(path: Path, n: int) -> list[int]:
    """``n`` tickets dispatched a month ago to one unit: all long overdue by the wall clock."""
    db = center_db(str(path))
    ids = []
    with db.conn:
        for _ in range(n):
            t = receive(
                db, NewTicket("9102", "330421101001001", "fire lane", T0), "wang.duty", Role.SYSTEM
            )
            apply_action(db, t.id, Action.REGISTER, ActionArgs(at=T0, **CHIEF), CENTER)
            args = ActionArgs(at=T0, mode=Mode.ASSIGN, units=("fire-safety",), **CHIEF)
            apply_action(db, t.id, Action.DISPATCH, args, CENTER)
            ids.append(t.id)
    db.close()
    return ids


def steps(path: Path) -> tuple[Counter, Counter, int]:
    """(notices per ticket, history rows per (ticket, action) of the scheduler, notice count)."""
    con = sqlite3.connect(path)
    try:
        per_ticket = Counter(r[0] for r in con.execute("SELECT ticket_id FROM notifications"))
        rows = con.execute(
            "SELECT ticket_id, action FROM ticket_audit WHERE actor = 'scheduler'"
        ).fetchall()
        return per_ticket, Counter(rows), sum(per_ticket.values())
    finally:
        con.close()


def assert_exactly_once(path: Path, ids: list[int]) -> None:
    per_ticket, history, total = steps(path)
    assert total == len(ids) * STEPS_PER_TICKET
    assert set(per_ticket.values()) == {STEPS_PER_TICKET}
    for action in ("remind", "supervise", "discipline"):
        assert {history[(i, action)] for i in ids} == {1}, action
    db = open_store(path)
    sample = ids[:: max(1, len(ids) // 10)]
    problems = [ticket_problems(get_ticket(db, i), ticket_history(db, i), CENTER) for i in sample]
    assert problems == [[] for _ in sample]
    db.close()


def test_a_round_takes_each_due_step_once_and_the_feed_sends_it(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    ids = dispatched_tickets(path, 3)
    scheduler = Scheduler(str(path), SchedulerConfig(chunk=2, chunk_pause_ms=0))
    assert scheduler.run_once() == {
        "device_health": 0,
        "escalation": 3 * STEPS_PER_TICKET,
        "patrol_missing": 0,
    }
    assert scheduler.run_once()["escalation"] == 0
    assert_exactly_once(path, ids)
    db = open_store(path)
    sent = [c.action for c in read_changes(db, 0, 1000) if c.actor == "scheduler"]
    assert Counter(sent) == {"remind": 3, "supervise": 3, "discipline": 3}
    assert {r["supervised"] for r in db.query("SELECT supervised FROM tickets")} == {1}
    db.close()


def test_the_working_calendar_decides_when_a_step_is_due(tmp_path: Path) -> None:
    """Dispatched Thursday 30 Apr 2015 16:00: 8 working hours run over May Day and the weekend."""
    path = tmp_path / "c.sqlite"
    db = center_db(str(path))
    start = local(2015, 4, 30, 16, 0)
    t = receive(db, NewTicket("9102", "330421101001001", "x", start), "wang.duty", Role.SYSTEM)
    apply_action(db, t.id, Action.REGISTER, ActionArgs(at=start, **CHIEF), CENTER)
    args = ActionArgs(at=start, mode=Mode.ASSIGN, units=("fire-safety",), **CHIEF)
    apply_action(db, t.id, Action.DISPATCH, args, CENTER)
    db.close()

    def at(now: datetime) -> int:
        return Scheduler(str(path), SchedulerConfig(), clock=lambda: now).run_once()["escalation"]

    assert at(local(2015, 5, 3, 23, 0)) == 0  # 1.5 h used: holiday, weekend
    assert at(local(2015, 5, 4, 14, 0)) == 0  # Mon 5.5 h of 8: green
    assert at(local(2015, 5, 4, 15, 0)) == 1  # 6.5 h of 8: the reminder
    assert at(local(2015, 5, 4, 17, 0)) == 1  # due Mon 16:30: supervision
    assert at(local(2015, 5, 5, 0, 0)) == 0  # 7.5 clock hours late
    assert at(local(2015, 5, 5, 9, 0)) == 1  # over 8 h late: discipline
    assert at(local(2015, 5, 6, 9, 0)) == 0


def test_no_center_imported_skips_the_round(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    open_store(path).close()
    scheduler = Scheduler(str(path), SchedulerConfig())
    assert scheduler.run_once() == {} and scheduler.stats.rounds == 0


def test_two_schedulers_on_one_store(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    ids = dispatched_tickets(path, 40)
    cfg = SchedulerConfig(chunk=3, chunk_pause_ms=0)
    schedulers = [Scheduler(str(path), cfg) for _ in range(2)]
    threads = [threading.Thread(target=s.run_once) for s in schedulers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert sum(s.stats.steps.get("escalation", 0) for s in schedulers) == 40 * STEPS_PER_TICKET
    assert_exactly_once(path, ids)


def collector_yaml(tmp_path: Path, db: Path, url: str, name: str) -> Path:
    cfg = {
        "broker": {"url": url, "client_id": f"collector-{name}"},
        "db": str(db),
        "require_signatures": False,
        "scheduler": {"every_s": 0.5, "chunk": 2, "chunk_pause_ms": 30},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def start_collector(config: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    with log.open("ab") as sink:  # the child keeps its own descriptor
        return subprocess.Popen(
            [COLLECTOR, "run", "--config", str(config), "--no-tickets", "--report-every", "0"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )


def wait_for(check, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.mark.integration
def test_exactly_once_across_a_sigkill(tmp_path: Path, mosquitto) -> None:
    path = tmp_path / "c.sqlite"
    ids = dispatched_tickets(path, 60)
    expected = len(ids) * STEPS_PER_TICKET
    config = collector_yaml(tmp_path, path, mosquitto.url, "a")
    log = tmp_path / "collector.log"
    proc = start_collector(config, log)
    try:
        wait_for(lambda: steps(path)[2] > 0, 60, "the first committed chunk")
        proc.kill()  # SIGKILL in the middle of the round: 30 chunks, 30 ms apart
        proc.wait(timeout=10)
        at_kill = steps(path)[2]
        assert 0 < at_kill < expected, log.read_text()
        proc = start_collector(config, log)
        wait_for(lambda: steps(path)[2] >= expected, 60, "the round after the restart")
        time.sleep(1.2)  # two more rounds: nothing new
    finally:
        stop(proc)
    assert_exactly_once(path, ids)


@pytest.mark.integration
def test_two_collectors_on_one_store(tmp_path: Path, mosquitto) -> None:
    path = tmp_path / "c.sqlite"
    ids = dispatched_tickets(path, 40)
    log = tmp_path / "collectors.log"
    procs = [
        start_collector(collector_yaml(tmp_path, path, mosquitto.url, name), log)
        for name in ("a", "b")
    ]
    try:
        wait_for(lambda: steps(path)[2] >= len(ids) * STEPS_PER_TICKET, 60, "both collectors")
        time.sleep(1.2)
        assert all(p.poll() is None for p in procs), log.read_text()
    finally:
        for p in procs:
            stop(p)
    assert_exactly_once(path, ids)
