"""The broker is killed (power cut, OOM kill) while boxes publish: what reaches the store?

    python -m collector.endtoend.brokerkill [--before 300 --during 300 --after 300] [--no-receipts]

One real Mosquitto (persistence on, saved only on a clean stop, as after a power cut between two
autosaves), one collector and one agent, all on 127.0.0.1, three phases:

1. ``before`` incidents with the collector running;
2. the collector stops (a restart, an upgrade) and the agent emits ``during`` incidents: the broker
   PUBACKs them and queues them in memory for the collector's persistent session; then the broker
   is **SIGKILLed** and started again on the same port and persistence directory, and the
   collector starts again (the broker never saved its session: it must subscribe again);
3. ``after`` incidents, with a second SIGKILL and restart of the broker half-way through, the
   collector running (it reconnects by itself and subscribes again).

The figures: ``emitted``, ``stored`` (distinct emitted event ids in the store), ``lost``,
``duplicated`` (rows stored more than once for one event id), ``resent`` (entries the agent sent
again for want of a receipt) and ``redelivered`` (deliveries the collector absorbed as
duplicates). With receipts on, nothing is lost; with
``--no-receipts`` (entries leave the outbox on PUBACK, as before receipts) phase 2 is lost.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
import yaml

from collector.endtoend.bench import crowd_event
from collector.transport.config import CollectorConfig
from collector.transport.mosquitto import MosquittoBroker
from collector.transport.service import IngestService
from edge_agent.config.load import parse
from edge_agent.contract.incident import new_id
from edge_agent.publish import MqttPublisher

__all__ = ["KillOptions", "KillFigures", "run_broker_kill", "main"]

SITE, BOX, CAMERA = "killsite", "box-01", "cam-01"
KEY = bytes(range(32))
T0 = datetime(2015, 5, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class KillOptions:
    before: int = 300
    during: int = 300
    after: int = 300
    receipts: bool = True
    receipt_timeout_s: float = 1.0
    timeout_s: float = 120.0


@dataclass(frozen=True)
class KillFigures:
    emitted: int
    stored: int
    lost: int
    duplicated: int
    resent: int
    redelivered: int
    seconds: float

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())


def _collector_config(work: Path, url: str) -> CollectorConfig:
    keys = work / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({f"{SITE}/{BOX}": KEY.hex()}))
    return CollectorConfig.model_validate(
        {
            "broker": {"url": url, "client_id": "kill-collector"},
            "db": str(work / "collector.sqlite"),
            "box_keys_file": str(keys),
        }
    )


def _publisher(work: Path, url: str, opts: KillOptions) -> MqttPublisher:
    (work / "box.key").write_text(KEY.hex())
    cfg = parse(
        {
            "box": {"site_id": SITE, "box_id": BOX},
            "mqtt": {
                "url": url,
                "keepalive_s": 5,
                "signing_key_file": str(work / "box.key"),
                "outbox": {"path": str(work / "outbox.sqlite")},
                "receipts": {
                    "enabled": opts.receipts,
                    "timeout_s": opts.receipt_timeout_s,
                    "max_backoff_s": 4 * opts.receipt_timeout_s,
                },
            },
            "cameras": [{"id": CAMERA, "url": "-"}],
        }
    )
    return MqttPublisher.from_config(cfg)


def _wait(cond: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def _stored(db_path: str) -> tuple[set[str], int]:
    db = sqlite_utils.Database(db_path)
    try:
        ids = [r[0] for r in db.execute("SELECT event_id FROM ingest_incidents")]
    finally:
        db.close()
    return set(ids), len(ids) - len(set(ids))


def _emit(pub: MqttPublisher, start: int, n: int, incident_id: str, sent: list[str]) -> None:
    for i in range(start, start + n):
        inc = crowd_event(i, incident_id, (SITE, BOX, CAMERA), T0)
        pub.emit(inc)
        sent.append(inc.event_id)


def run_broker_kill(broker: MosquittoBroker, work: Path, opts: KillOptions) -> KillFigures:
    """Run the three phases against ``broker`` (started; left running); returns the figures."""
    t0 = time.monotonic()
    cfg = _collector_config(work, broker.url)
    collector = IngestService(cfg)
    collector.start()
    _wait(lambda: collector.client.connected, 10)
    pub = _publisher(work, broker.url, opts)
    pub.start()
    sent: list[str] = []
    incident_id, redelivered = new_id(), 0
    try:
        _emit(pub, 0, opts.before, incident_id, sent)
        _wait(lambda: collector.stats.stored >= opts.before, opts.timeout_s)
        collector.stop()
        redelivered += collector.stats.duplicates
        _emit(pub, opts.before, opts.during, incident_id, sent)
        # Wait for the broker to have taken them (PUBACK): then they exist only in its memory.
        _wait(lambda: pub.outbox.depth() == 0 or _all_acked(pub), opts.timeout_s)
        broker.stop(signal.SIGKILL)
        broker.start()
        collector = IngestService(cfg)
        collector.start()
        start, half = opts.before + opts.during, opts.after // 2
        _emit(pub, start, half, incident_id, sent)
        broker.stop(signal.SIGKILL)  # again, mid-stream, with the collector running
        broker.start()
        _emit(pub, start + half, opts.after - half, incident_id, sent)
        _wait(lambda: pub.outbox.depth() == 0, opts.timeout_s)  # receipted: committed
        _wait(lambda: set(sent) <= _stored(cfg.db)[0], opts.timeout_s if opts.receipts else 5)
    finally:
        pub.stop(drain_timeout_s=0.5)
        collector.stop()
    redelivered += collector.stats.duplicates
    stored, duplicated = _stored(cfg.db)
    return KillFigures(
        emitted=len(sent),
        stored=len(stored & set(sent)),
        lost=len(set(sent) - stored),
        duplicated=duplicated,
        resent=pub.resent,
        redelivered=redelivered,
        seconds=round(time.monotonic() - t0, 1),
    )


def _all_acked(pub: MqttPublisher) -> bool:
    """Every entry was taken by the broker: awaiting a receipt only (receipts on)."""
    return pub.receipts is not None and pub.receipts.waiting >= pub.outbox.depth()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m collector.endtoend.brokerkill", description=__doc__
    )
    ap.add_argument("--before", type=int, default=300)
    ap.add_argument("--during", type=int, default=300)
    ap.add_argument("--after", type=int, default=300)
    ap.add_argument("--no-receipts", action="store_true", help="entries leave on PUBACK")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    opts = KillOptions(args.before, args.during, args.after, receipts=not args.no_receipts)
    with tempfile.TemporaryDirectory(prefix="gridwatch-brokerkill-") as tmp:
        broker = MosquittoBroker(Path(tmp) / "broker").start()
        try:
            figures = run_broker_kill(broker, Path(tmp), opts)
        finally:
            broker.stop()
    print(json.dumps(asdict(figures)) if args.json else figures.line())
    return 0 if figures.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
