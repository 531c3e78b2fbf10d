"""``collector bench``: ingest throughput and latency through a real Mosquitto, and outbox drain.

Three phases, all on 127.0.0.1 with a Mosquitto started for the run (persistent, generated config):

1. flood: ``count`` signed incidents published by a QoS 1 client as fast as the broker takes them;
   the collector commits batches (WAL, ``synchronous=FULL``) and acknowledges after each commit.
   ``ingest_per_s`` = incidents / (first publish → last commit).
2. paced: ``paced`` incidents at ``rate``/s; per incident the time from publish to the commit
   of its row: p50 and p95 (the flood would only measure its own queue).
3. drain: ``drain`` incidents are put in an agent outbox while it has no broker (an outage), then
   the agent's publisher starts: ``drain_100k_s`` = start → last row committed at the center.

Every phase checks exactly-once: ``lost`` = emitted event ids not stored, ``duplicated`` = rows
stored more than once for one event id (the store is keyed on it; re-deliveries are counted
apart as ``redelivered``).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from collector.ingest.store import BatchResult
from collector.transport.config import CollectorConfig
from collector.transport.mosquitto import MosquittoBroker
from collector.transport.service import IngestService
from edge_agent.config.load import parse
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id
from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic
from edge_agent.publish import MqttPublisher

__all__ = ["BenchOptions", "run_bench"]

SITE, BOX, CAMERA = "bench", "box-01", "cam-01"
KEY = bytes(range(32))


@dataclass
class BenchOptions:
    count: int = 20_000
    paced: int = 1_000
    rate: float = 500.0
    drain: int = 100_000
    timeout_s: float = 600.0


def crowd_event(seq: int, incident_id: str, where: tuple[str, str, str], t0: datetime) -> Incident:
    """Event ``seq`` of one warning-level crowd incident at ``where`` = (site, box, camera),
    observed ``seq`` seconds after ``t0``: the load both benchmarks send."""
    site, box, camera = where
    return Incident(
        id=incident_id,
        seq=seq,
        site=site,
        box=box,
        camera=camera,
        zone="z1",
        grid_cell="330421101001001",
        kind=IncidentKind.CROWD_DENSITY,
        level=Level.WARNING,
        state=EventState.UPDATED if seq else EventState.OPENED,
        started_at=t0,
        observed_at=t0 + timedelta(seconds=seq),
        metrics={"count": 40, "density": 2.5},
    )


def _payloads(n: int) -> list[tuple[str, bytes]]:
    """``n`` signed incident events (one incident, ``seq`` 0..n-1)."""
    t0 = datetime(2015, 5, 1, 10, 0, tzinfo=UTC)
    incident_id, topic = new_id(), incident_topic(SITE, BOX, CAMERA)
    out = []
    for i in range(n):
        inc = crowd_event(i, incident_id, (SITE, BOX, CAMERA), t0)
        payload = sign(inc.to_payload(validate=False), KEY, f"{SITE}/{BOX}")
        out.append((topic, json.dumps(payload, separators=(",", ":")).encode()))
    return out


def _event_id(raw: bytes) -> str:
    return json.loads(raw)["event_id"]


class _Commits:
    """Commit time of each event id, from the collector's batch callback."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.rows = 0
        self.lock = threading.Lock()

    def __call__(self, result: BatchResult) -> None:
        now = time.time()  # wall clock: compared with send times taken in another process
        with self.lock:
            for event_id in result.new_event_ids:
                self.at[event_id] = now
            self.rows += result.new

    def wait(self, n: int, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.rows >= n:
                return True
            time.sleep(0.01)
        return self.rows >= n


def _publish(client: MqttClient, messages, pace_s: float = 0.0) -> dict[str, float]:
    """Publish in order (at most 1,000 unacknowledged); returns the send time per event id."""
    sent: dict[str, float] = {}
    window: deque = deque()
    start = time.perf_counter()
    for i, (topic, raw) in enumerate(messages):
        if pace_s:
            delay = start + i * pace_s - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        while window and window[0].done():
            window.popleft()
        while len(window) >= 1000:
            time.sleep(0.001)
            while window and window[0].done():
                window.popleft()
        sent[_event_id(raw)] = time.time()
        window.append(client.publish(topic, raw))
    while window:  # bounded by the caller's phase timeout through the broker's acks
        if not window[0].done():
            time.sleep(0.001)
            continue
        window.popleft()
    return sent


def _exactly_once(db_path: str, expected: set[str]) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        rows = [r[0] for r in conn.execute("SELECT event_id FROM ingest_incidents")]
    finally:
        conn.close()
    stored = set(rows)
    return len(expected - stored), len(rows) - len(stored)


def _collector_config(work: Path, url: str) -> CollectorConfig:
    """The bench collector's config: its store and the sender's key in ``work``."""
    (work / "keys.yaml").write_text(f'"{SITE}/{BOX}": {KEY.hex()}\n')
    return CollectorConfig.model_validate(
        {
            "broker": {"url": url, "client_id": "bench-collector"},
            "db": str(work / "collector.sqlite"),
            "box_keys_file": str(work / "keys.yaml"),
        }
    )


def run_bench(opts: BenchOptions, say: Callable[[str], None]) -> dict[str, float | int]:
    work = Path(tempfile.mkdtemp(prefix="gridwatch-bench-"))
    broker = MosquittoBroker(work / "broker").start()
    commits = _Commits()
    cfg = _collector_config(work, broker.url)
    service = IngestService(cfg, on_batch=commits)
    client = MqttClient(BrokerSettings(url=broker.url, client_id="bench-sender", clean=True))
    try:
        service.start()
        client.start()
        _wait(lambda: service.client.connected and client.connected, 10)
        say(f"mosquitto {broker.url}; store {cfg.db}")
        flood_ids, t0 = _in_child(_flood_child, (broker.url, opts.count), commits, opts)
        ingest_per_s = opts.count / (max(commits.at.values()) - t0)
        say(f"flood: {opts.count} incidents, {ingest_per_s:,.0f}/s with durable commits")
        paced = _payloads(opts.paced)
        sent = _publish(client, paced, pace_s=1 / opts.rate)
        if not commits.wait(opts.count + opts.paced, opts.timeout_s):
            raise TimeoutError("paced phase did not finish")
        lat = sorted((commits.at[e] - t) * 1000 for e, t in sent.items())
        p50, p95 = statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]
        say(
            f"paced: {opts.paced} at {opts.rate:.0f}/s, publish->commit p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms"
        )
        before = commits.rows
        drained, t0 = _in_child(_drain_child, (broker.url, opts.drain, str(work)), commits, opts)
        drain_s = max(commits.at[e] for e in drained) - t0
        assert commits.rows >= before + opts.drain
        say(f"drain: {opts.drain} incidents from an outbox in {drain_s:.1f} s")
        expected = set(flood_ids) | set(sent) | set(drained)
        lost, duplicated = _exactly_once(cfg.db, expected)
    finally:
        client.stop()
        service.stop()
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)  # the broker's files, the store, the outbox
    return {
        "ingest_per_s": round(ingest_per_s, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "drain_100k_s": round(drain_s, 2),
        "drain_count": opts.drain,
        "redelivered": service.stats.duplicates,
        "lost": lost,
        "duplicated": duplicated,
    }


def _flood_child(url: str, n: int, go, out) -> None:
    """Child process: publish ``n`` incidents as fast as the broker acknowledges them."""
    messages = _payloads(n)
    client = MqttClient(BrokerSettings(url=url, client_id="bench-flood", clean=True))
    client.start()
    _wait(lambda: client.connected, 10)
    out.put(("ready", None))
    go.wait(60)
    sent = _publish(client, messages)
    client.stop()
    out.put(("done", list(sent)))


def _drain_child(url: str, n: int, work: str, go, out) -> None:
    """Child process: an agent whose outbox filled up during an outage, then reconnects."""
    agent = parse(
        {
            "box": {"site_id": SITE, "box_id": BOX},
            "mqtt": {
                "url": url,
                "client_id": "bench-agent",
                "outbox": {"path": f"{work}/outbox.sqlite", "max_mb": 1024},
            },
            "cameras": [{"id": CAMERA, "url": "-"}],
        }
    )
    messages = _payloads(n)
    pub = MqttPublisher.from_config(agent)
    for i in range(0, len(messages), 10_000):  # the outage: queued, nobody publishing
        pub.outbox.put_many([(t, raw, _event_id(raw)) for t, raw in messages[i : i + 10_000]])
    out.put(("ready", None))
    go.wait(60)
    pub.start()
    pub.wait_drained(600)
    pub.stop(drain_timeout_s=1)
    out.put(("done", [_event_id(raw) for _, raw in messages]))


def _in_child(target, args, commits: _Commits, opts: BenchOptions) -> tuple[list[str], float]:
    """Run a sender in another process (its own core and GIL); returns its ids and start time."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, go, out), daemon=True)
    before = commits.rows
    proc.start()
    try:
        kind, _ = out.get(timeout=opts.timeout_s)
        t0 = time.time()
        go.set()
        kind, ids = out.get(timeout=opts.timeout_s)
        if not commits.wait(before + len(ids), opts.timeout_s):
            raise TimeoutError(f"{target.__name__}: not all incidents were committed")
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
    return ids, t0


def _wait(cond, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.02)
    raise TimeoutError("clients did not connect to the bench broker")
