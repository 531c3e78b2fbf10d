"""The change feed: webhook delivery with backoff, at-least-once across receiver outages and
collector restarts, idempotent by (ticket, version) at the receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.main import app
from collector.feed.delivery import SIGNATURE_HEADER, Backoff, FeedOptions, FeedWorker, sign
from collector.feed.payload import georeport_renderer
from collector.open311.status_map import geo_status
from collector.store import open_store
from tests.collector.builders import center_db, example_center
from tests.collector.feed.receiver import Receiver, receiver
from tests.collector.report.quarter import generate_quarter

FAST = Backoff(base_s=0.01, factor=2, max_s=0.05)
COLLECTOR = str(Path(sys.executable).parent / "collector")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with 25 tickets moved through the workflow (a few hundred changes)."""
    path = tmp_path_factory.mktemp("feed") / "template.sqlite"
    db = center_db(str(path))
    generate_quarter(db, example_center()[0], 25, seed=3)
    db.close()
    return path


@pytest.fixture
def db_path(filled: Path, tmp_path: Path) -> Path:
    """A fresh copy of the filled store for one test."""
    src = open_store(filled)
    path = tmp_path / "collector.sqlite"
    src.execute(f"VACUUM INTO '{path}'")
    src.close()
    return path


def _all_keys(db_path: Path) -> set[tuple[int, int]]:
    """Every (ticket, version) the store holds: versions 1..n per ticket."""
    db = open_store(db_path)
    rows = db.execute("SELECT ticket_id, COUNT(*) FROM ticket_audit GROUP BY ticket_id").fetchall()
    db.close()
    return {(t, v) for t, n in rows for v in range(1, n + 1)}


def _worker(db_path: Path, url: str, **kw: object) -> FeedWorker:
    options = FeedOptions(url=url, backoff=FAST, poll_s=0.01, **kw)  # type: ignore[arg-type]
    return FeedWorker(open_store(db_path), options, render=georeport_renderer("/open311/v2"))


def _in_order(rx: Receiver) -> None:
    """Per ticket, first deliveries arrive in version order with no gap."""
    seen: dict[int, int] = {}
    for change in rx.received:
        t, v = change["ticket_id"], change["version"]
        if v > seen.get(t, 0):
            assert v == seen.get(t, 0) + 1, f"ticket {t}: version {v} after {seen.get(t, 0)}"
            seen[t] = v


@pytest.mark.parametrize(
    ("attempt", "expected"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (50, 5.0)]
)
def test_backoff_is_exponential_and_capped(attempt: int, expected: float) -> None:
    assert Backoff(base_s=0.5, factor=2, max_s=5).delay(attempt) == expected


@pytest.mark.parametrize("failures", [1, 4])
def test_receiver_outage_is_retried_until_delivered(db_path: Path, failures: int) -> None:
    keys = _all_keys(db_path)
    with receiver() as rx:
        rx.fail_next = failures
        worker = _worker(db_path, rx.url, batch=40)
        run = worker.run(until_idle=True)
        assert set(rx.applied) == keys and rx.duplicates == 0
        assert run.failures == failures and run.delivered == len(keys)
        assert rx.requests == run.batches + failures
        assert worker.pending() == 0
    _in_order(rx)


def test_lost_acknowledgement_is_redelivered_and_deduplicated(db_path: Path) -> None:
    keys = _all_keys(db_path)
    with receiver() as rx:
        rx.ack_lost_next = 1  # the first batch is stored, but the worker sees a 500
        run = _worker(db_path, rx.url, batch=30).run(until_idle=True)
    assert set(rx.applied) == keys
    assert rx.duplicates == 30 and len(rx.received) == len(keys) + 30
    assert run.failures == 1


def test_gives_up_after_max_attempts_and_keeps_the_cursor(db_path: Path) -> None:
    from collector.feed.delivery import FeedError

    with receiver() as rx:
        rx.fail_next = 10
        with pytest.raises(FeedError, match="gave up after 3 attempt"):
            _worker(db_path, rx.url, max_attempts=3).run(until_idle=True)
        assert not rx.applied
        rx.fail_next = 0
        _worker(db_path, rx.url).run(until_idle=True)
        assert set(rx.applied) == _all_keys(db_path)


def test_stopped_worker_resumes_where_it_stopped(db_path: Path) -> None:
    keys = _all_keys(db_path)
    with receiver() as rx:
        rx.fail_next = 1
        stop = threading.Event()
        rx.on_batch = lambda r: stop.set() if len(r.applied) >= 20 else None

        def first() -> None:  # the store connection belongs to the worker's thread
            worker = _worker(db_path, rx.url, batch=10)
            worker.stop = stop
            worker.run()

        thread = threading.Thread(target=first)
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive()
        partial = len(rx.applied)
        assert 20 <= partial < len(keys)
        rx.on_batch = None
        _worker(db_path, rx.url, batch=10).run(until_idle=True)
    assert set(rx.applied) == keys and rx.duplicates == 0


def test_killed_collector_redelivers_the_unacknowledged_batch(db_path: Path) -> None:
    keys = _all_keys(db_path)
    cmd = [COLLECTOR, "feed", "run", "--db", str(db_path), "--batch", "5", "--poll", "0.05"]
    with receiver() as rx:
        hold = threading.Event()
        rx.on_batch = lambda r: hold.wait(20) if len(r.raw) == 4 else None
        proc = subprocess.Popen(
            [*cmd, "--url", rx.url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for _ in range(400):  # the 4th batch is stored and its answer held back
                if len(rx.raw) >= 4:
                    break
                time.sleep(0.05)
            assert len(rx.raw) == 4
            os.kill(proc.pid, signal.SIGKILL)  # a crash: no chance to record anything
            proc.wait(timeout=10)
        finally:
            hold.set()
        assert len(rx.applied) == 20
        rx.on_batch = None
        done = subprocess.run(
            [*cmd, "--url", rx.url, "--until-idle"], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    assert set(rx.applied) == keys
    assert rx.duplicates == 5  # exactly the batch whose acknowledgement was lost
    _in_order(rx)


def test_payload_is_signed_and_carries_the_georeport_request(db_path: Path) -> None:
    with receiver() as rx:
        _worker(db_path, rx.url, batch=50, secret="s3cret").run(until_idle=True)
    for raw, headers in zip(rx.raw, rx.headers, strict=True):
        assert headers[SIGNATURE_HEADER] == sign("s3cret", raw)
    for change in rx.received:
        status = geo_status(change["to_state"])
        assert (change["status"], change["detailed_status"]) == (status.status, status.detailed)
        request = change["request"]
        assert request["service_request_id"] == str(change["ticket_id"])
        assert request["extended_attributes"]["version"] >= change["version"]
        assert change["key"] == f"{change['ticket_id']}:{change['version']}"


def test_feed_status_command(db_path: Path) -> None:
    with receiver() as rx:
        _worker(db_path, rx.url, name="county").run(until_idle=True)
    out = CliRunner().invoke(app, ["feed", "status", "--db", str(db_path), "--json"])
    assert out.exit_code == 0, out.output
    status = json.loads(out.output)
    feed = next(f for f in status["feeds"] if f["name"] == "county")
    assert feed["pending"] == 0 and feed["last_audit_id"] == status["newest_audit_id"]
    assert feed["delivered"] == len(_all_keys(db_path))


@pytest.mark.parametrize(
    "option",
    [("--backoff-base", "-1"), ("--backoff-max", "-1"), ("--poll", "0"), ("--max-attempts", "0")],
)
def test_feed_run_refuses_options_that_would_spin(tmp_path: Path, option: tuple[str, str]) -> None:
    args = ["feed", "run", "--url", "http://127.0.0.1:9", "--db", str(tmp_path / "c.sqlite")]
    out = CliRunner().invoke(app, [*args, *option, "--until-idle"])
    assert out.exit_code == 2 and option[0] in out.output
    assert not (tmp_path / "c.sqlite").exists()  # refused before anything ran
