#!/usr/bin/env python3
"""How long one Mosquitto save takes with a given queue (the cost of a short autosave_interval).

    PYTHONPATH=. python scripts/bench_broker_autosave.py [--count 20000] [--bytes 1000]

Queues COUNT messages of BYTES for an offline persistent subscriber on a real Mosquitto (loopback,
a temporary folder), then times the save Mosquitto makes on SIGTERM and prints the file size. Each
autosave rewrites the whole state like this, and the broker serves nobody while it writes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from collector.transport.mosquitto import MosquittoBroker
from edge_agent.contract.mqtt import BrokerSettings, MqttClient


def _client(url: str, client_id: str, clean: bool) -> MqttClient:
    c = MqttClient(BrokerSettings(url=url, client_id=client_id, clean=clean, protocol=5))
    c.start()
    deadline = time.monotonic() + 10
    while not c.connected:
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: cannot connect to {url}: {c.last_error}")
        time.sleep(0.02)
    return c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=20000, help="messages queued")
    ap.add_argument("--bytes", type=int, default=1000, help="payload size of each")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        broker = MosquittoBroker(Path(tmp), extra="autosave_interval 0").start()
        sub = _client(broker.url, "bench-sub", clean=False)
        sub.subscribe("bench/#", lambda rec: None)
        time.sleep(0.3)
        sub.stop()  # offline, persistent: the broker queues for it
        pub = _client(broker.url, "bench-pub", clean=True)
        payload = b"x" * args.bytes
        sent = [pub.publish("bench/a", payload) for _ in range(args.count)]
        deadline, pending = time.monotonic() + 120, sent
        while pending and time.monotonic() < deadline:
            pending = [d for d in pending if not d.done()]
            time.sleep(0.05)
        acked = len(sent) - len(pending)
        pub.stop()
        t0 = time.monotonic()
        broker.stop()  # SIGTERM: Mosquitto saves its whole state, then exits
        took = time.monotonic() - t0
        size = (Path(tmp) / "mosquitto.db").stat().st_size
    print(f"{acked} messages x {args.bytes} B queued: save {took:.2f} s, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
