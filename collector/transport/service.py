"""The collector's MQTT ingest: receive, commit a batch, acknowledge it, receipt it to the boxes.

paho runs with ``manual_ack``: a message is acknowledged to the broker only after the transaction
holding its row committed, so a ``kill -9`` at any moment loses nothing (the broker re-delivers
what was not acknowledged; the store ignores what it already has). The session is persistent
(fixed client id, clean start off, session expiry), so the broker queues while we are down.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from collector.ingest.filing import Filer, file_pending
from collector.ingest.receipts import receipt_messages
from collector.ingest.store import BatchResult, dead_letter, store_batch
from collector.ingest.validate import Limits
from collector.store import open_store
from collector.transport.config import CollectorConfig, load_box_keys
from edge_agent.contract import topics
from edge_agent.contract.mqtt import BrokerSettings, MqttClient, Received

__all__ = [
    "IngestStats",
    "IngestService",
    "collector_settings",
    "ingest_limits",
    "subscriptions",
]

log = logging.getLogger(__name__)


@dataclass
class IngestStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    dead: int = 0
    other: int = 0
    batches: int = 0
    filed: int = 0
    commit_failures: int = 0
    receipts: int = 0


def collector_settings(cfg: CollectorConfig) -> BrokerSettings:
    b = cfg.broker
    return BrokerSettings(
        url=b.url,
        client_id=b.client_id,
        username=b.username,
        password=b.password,
        ca_file=b.tls.ca_file if b.tls else None,
        cert_file=b.tls.cert_file if b.tls else None,
        key_file=b.tls.key_file if b.tls else None,
        tls_insecure=b.tls.insecure if b.tls else False,
        keepalive_s=b.keepalive_s,
        protocol=b.protocol,
        clean=False,
        session_expiry_s=b.session_expiry_s,
        receive_maximum=b.receive_maximum,
    )


def subscriptions(cfg: CollectorConfig) -> list[str]:
    """Incident and evidence topics (shared when a group is set), then status/metrics/acks."""
    shared = [topics.INCIDENT_SUBSCRIPTION, topics.EVIDENCE_SUBSCRIPTION]
    if cfg.broker.shared_group and cfg.broker.protocol == 5:
        shared = [f"$share/{cfg.broker.shared_group}/{t}" for t in shared]
    return shared + [
        topics.STATUS_SUBSCRIPTION,
        topics.METRICS_SUBSCRIPTION,
        topics.ACK_SUBSCRIPTION,
    ]


def ingest_limits(cfg: CollectorConfig) -> Limits:
    """What a message must satisfy to be stored (also used by ``collector dead-letters retry``)."""
    return Limits(
        max_message_bytes=cfg.max_message_bytes,
        max_evidence_bytes=cfg.max_evidence_bytes,
        require_signatures=cfg.require_signatures,
        keys=load_box_keys(cfg.box_keys_file),
        hold_orphans=bool(cfg.broker.shared_group and cfg.broker.protocol == 5),
    )


class IngestService:
    """Owns one worker thread with its own store connection; ``start``/``stop`` or ``run(stop_event)``."""

    def __init__(
        self,
        cfg: CollectorConfig,
        filer: Filer | None = None,
        on_batch: Callable[[BatchResult], None] | None = None,
    ):
        self.cfg, self.filer, self.on_batch = cfg, filer, on_batch
        open_store(cfg.db).close()  # migrate now: a bad store fails here, not in the thread
        self.db: sqlite_utils.Database | None = None
        self.limits = ingest_limits(cfg)
        self.stats = IngestStats()
        self.client = MqttClient(collector_settings(cfg), manual_ack=True)
        self._queue: queue.Queue[Received] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for topic in subscriptions(cfg):
            self.client.subscribe(topic, self._queue.put, qos=1)

    def start(self) -> None:
        self.client.start()
        self._thread = threading.Thread(target=self._work, name="collector-ingest", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.client.stop()

    def _next_batch(self) -> list[Received]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.cfg.batch_wait_ms / 1000
        while len(batch) < self.cfg.batch_max:
            left = deadline - time.monotonic()
            try:
                batch.append(
                    self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def _work(self) -> None:
        self.db = open_store(self.cfg.db)  # the worker's own connection
        try:
            while not self._stop.is_set():
                batch = self._next_batch()
                if batch:
                    self._commit_then_ack(batch)
                if self.filer is not None:  # a little each round, all of it when idle
                    self._file(50 if self._queue.qsize() else 500)
        finally:
            self.db.close()

    def _file(self, limit: int) -> None:
        assert self.db is not None and self.filer is not None
        try:
            self.stats.filed += file_pending(self.db, self.filer, limit)
        except sqlite3.Error as err:
            log.error("cannot file tickets: %s", err)

    def _store(self, messages: list[tuple[str, bytes]], now: str) -> BatchResult:
        """Store a batch; if some input trips a bug, store one by one and dead-letter that one.

        An operational store error (locked, disk full, I/O) is raised: the batch is retried. Any
        other error, a constraint one included, is blamed on the input; if the store itself is
        broken, writing the dead letter fails too and the batch is retried all the same.
        """
        assert self.db is not None
        cap = self.cfg.dead_letter_raw_bytes
        try:
            return store_batch(self.db, messages, self.limits, now, cap)
        except sqlite3.OperationalError:
            raise
        except Exception:
            log.exception("a batch of %d failed; storing one by one", len(messages))
        total = BatchResult()
        for topic, raw in messages:
            try:
                one = store_batch(self.db, [(topic, raw)], self.limits, now, cap)
            except sqlite3.OperationalError:
                raise
            except Exception as err:
                one = dead_letter(self.db, topic, raw, "internal", repr(err), now, cap)
            total.merge(one)
        return total

    def _commit_then_ack(self, batch: list[Received]) -> None:
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        messages = [(m.topic, m.payload) for m in batch]
        while not self._stop.is_set():
            try:
                assert self.db is not None
                result = self._store(messages, now)
                break
            except sqlite3.Error as err:  # disk full, locked...: keep the batch, do not ack
                self.stats.commit_failures += 1
                log.error("cannot commit a batch of %d: %s; retrying", len(batch), err)
                time.sleep(1.0)
        else:
            return
        for m in batch:
            self.client.ack(m)
        self._send_receipts(result, now)
        s = self.stats
        s.received += len(batch)
        s.stored += result.new
        s.duplicates += result.duplicates
        s.dead += result.dead
        s.other += result.other
        s.batches += 1
        if self.on_batch is not None:
            self.on_batch(result)

    def _send_receipts(self, result: BatchResult, now: str) -> None:
        """Tell each box what is committed (QoS 1; queued by paho while disconnected).

        A receipt lost on the way (broker killed) only means the box sends again, after its
        receipt timeout, and is receipted again as a duplicate.
        """
        for topic, payload in receipt_messages(result.receipts, now):
            self.client.publish(topic, payload, qos=1)
            self.stats.receipts += 1
