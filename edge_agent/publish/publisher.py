"""The agent's MQTT side: an :class:`~edge_agent.sinks.IncidentSink` over a durable outbox.

``emit`` signs the incident, writes it (and its evidence images) to the outbox and returns; one
sender thread publishes the outbox in order, at most ``window`` messages in flight, and deletes an
entry only once the collector receipted it (a PUBACK only says the broker holds it in memory); an
entry without a receipt after the receipt timeout is sent again, with backoff
(:mod:`edge_agent.publish.receipts`). While disconnected nothing is published and nothing is dropped. After a reconnect, the messages that were in flight are re-sent by paho first,
and new ones follow only once those are acknowledged, so the order is kept. After a restart the
outbox is published again from its oldest entry.

The same thread publishes the retained status (``online`` on connect, ``stopped`` on :meth:`stop`,
``offline`` as the last will) and the periodic metrics.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_agent.config.models import AgentConfig
from edge_agent.contract import SCHEMA_VERSION, topics
from edge_agent.contract.incident import Incident
from edge_agent.contract.mqtt import BrokerSettings, Delivery, MqttClient
from edge_agent.contract.signing import key_id_for, load_key, sign
from edge_agent.contract.status import BoxState, WireCameraState
from edge_agent.errors import GridwatchError, OutboxError
from edge_agent.publish.control import ControlHandler, ack_payload
from edge_agent.publish.outbox import Outbox
from edge_agent.publish.receipts import ReceiptTracker, parse_receipt

__all__ = ["CameraStatus", "MqttPublisher", "broker_settings"]

log = logging.getLogger(__name__)

METRICS_VERSION = "1.1"
"""Metrics gained ``outbox.awaiting_receipt`` in 1.1 (a 1.0 collector ignores it)."""


@dataclass
class CameraStatus:
    """What the status and metrics messages say about one camera."""

    state: WireCameraState = WireCameraState.STARTING
    fps: float | None = None
    dropped_frames: int = 0
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _resolve(path: str, base: Path | None) -> Path:
    p = Path(path)
    return p if p.is_absolute() or base is None else base / p


def broker_settings(cfg: AgentConfig) -> BrokerSettings:
    """Connection settings of the box; the will is the retained ``offline`` status."""
    m, site, box = cfg.mqtt, cfg.box.site_id, cfg.box.box_id
    will = {"schema_version": SCHEMA_VERSION, "site": site, "box": box, "state": BoxState.OFFLINE}
    tls = m.tls
    return BrokerSettings(
        url=m.url,
        client_id=m.client_id or f"gridwatch-{site}-{box}",
        username=m.username,
        password=m.password,
        ca_file=tls.ca_file if tls else None,
        cert_file=tls.cert_file if tls else None,
        key_file=tls.key_file if tls else None,
        tls_insecure=tls.insecure if tls else False,
        keepalive_s=m.keepalive_s,
        protocol=311,
        clean=False,
        will=(topics.status_topic(site, box), _dumps(will), 1, True),
    )


class MqttPublisher:
    """Durable, ordered incident publisher of one box. Thread-safe ``emit``; never raises on outages.

    Example (``edge-agent run``)::

        pub = MqttPublisher.from_config(cfg, base_dir=config_path.parent)
        agent = EdgeAgent(cfg, detector, pub, on_camera_state=...)
        pub.serve_control(ControlHandler(config_path, on_applied=agent.apply_config))
        pub.start()
        pub.update_camera("c1", WireCameraState.RUNNING, fps=2.0)
        ... the agent's pipelines call pub.emit(incident) ...
        pub.stop()
    """

    def __init__(
        self,
        client: MqttClient,
        outbox: Outbox,
        site: str,
        box: str,
        signing_key: bytes | None = None,
        evidence_dir: str | Path | None = None,
    ):
        self.client, self.outbox, self.site, self.box = client, outbox, site, box
        self.signing_key = signing_key
        self.evidence_dir = Path(evidence_dir) if evidence_dir is not None else None
        self.window = 200
        self.metrics_interval_s = 30.0
        #: Gives the metrics message its ``analysis`` object (the agent's cadence and batches).
        self.analysis: Callable[[], dict[str, Any]] | None = None
        self.cameras: dict[str, CameraStatus] = {}
        self.errors: dict[str, int] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight: list[tuple[int, str | None, Delivery]] = []
        self.receipts: ReceiptTracker | None = None  # None: entries leave on PUBACK
        self.resent = 0  # entries sent again for want of a receipt
        self._receipted: queue.SimpleQueue[list[str]] = queue.SimpleQueue()
        self._status_lock = threading.Lock()
        self._control: ControlHandler | None = None
        self._closed = False
        client.on_connection_change = self._on_connection
        client.on_publish = lambda mid: self._wake.set()

    @classmethod
    def from_config(cls, cfg: AgentConfig, base_dir: str | Path | None = None) -> MqttPublisher:
        """Build from the agent config; relative paths are taken from ``base_dir``."""
        base = Path(base_dir) if base_dir is not None else None
        m = cfg.mqtt
        key = load_key(_resolve(m.signing_key_file, base)) if m.signing_key_file else None
        outbox = Outbox(_resolve(m.outbox.path, base), max_bytes=int(m.outbox.max_mb * 1024 * 1024))
        pub = cls(
            MqttClient(broker_settings(cfg)),
            outbox,
            cfg.box.site_id,
            cfg.box.box_id,
            signing_key=key,
            evidence_dir=_resolve(cfg.evidence.dir, base),
        )
        pub.metrics_interval_s = float(getattr(m, "metrics_interval_s", 30.0))
        if m.receipts.enabled:
            pub.expect_receipts(ReceiptTracker(m.receipts.timeout_s, m.receipts.max_backoff_s))
        return pub

    def expect_receipts(self, tracker: ReceiptTracker) -> None:
        """Keep entries until the collector's receipt (call before :meth:`start`)."""
        self.receipts = tracker
        self.client.subscribe(topics.receipt_topic(self.site, self.box), self._on_receipt)

    def _on_receipt(self, rec) -> None:
        try:
            receipt = parse_receipt(rec.payload, self.site, self.box)
        except GridwatchError as err:
            self._count("receipt_invalid")
            log.warning("ignored a receipt on %s: %s", rec.topic, err)
            return
        for ref, reason in receipt.refused:
            self._count("refused")
            log.error("the collector refused %s (%s); it keeps it as a dead letter", ref, reason)
        self._receipted.put(receipt.refs)
        self._wake.set()

    def _ref(self, ref: str) -> str | None:
        return ref if self.receipts is not None else None

    # --- the sink -------------------------------------------------------------------------
    def emit(self, incident: Incident) -> None:
        """Store the incident (and its evidence) in the outbox; the sender publishes it."""
        try:
            payload = incident.to_payload()
            if self.signing_key is not None:
                payload = sign(payload, self.signing_key, key_id_for(self.site, self.box))
            try:  # NaN or Infinity is no JSON number: the collector would refuse the incident
                data = json.dumps(
                    payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False
                ).encode()
            except ValueError as err:
                raise OutboxError(f"incident has a non-finite number: {err}") from None
            if len(data) > topics.MAX_INCIDENT_BYTES:
                raise OutboxError(f"incident of {len(data)} bytes exceeds the contract cap")
            topic = topics.incident_topic(self.site, self.box, incident.camera)
            self.outbox.put(topic, data, ref=self._ref(incident.event_id))
            self._queue_evidence(incident)
        except GridwatchError as err:
            self._count("emit_failed")
            log.error("incident %s not stored: %s", incident.event_id, err)
        self._wake.set()

    def _queue_evidence(self, incident: Incident) -> None:
        if self.evidence_dir is None:
            return
        for ev in incident.evidence:
            path = self.evidence_dir / ev.name
            try:
                data = path.read_bytes()
                topic = topics.evidence_topic(
                    self.site, self.box, incident.camera, incident.event_id, ev.name
                )
                if len(data) > topics.MAX_EVIDENCE_BYTES:
                    raise OutboxError(f"{path}: {len(data)} bytes exceeds the evidence cap")
                ref = self._ref(f"{incident.event_id}/{ev.name}")
                self.outbox.put(topic, data, kind="evidence", ref=ref)
            except (OSError, GridwatchError) as err:
                self._count("evidence_failed")
                log.warning("evidence %s not queued: %s", ev.name, err)

    def _count(self, what: str) -> None:
        with self._status_lock:  # analysis threads count, the sender thread reads
            self.errors[what] = self.errors.get(what, 0) + 1

    # --- status, metrics, control -----------------------------------------------------------
    def update_camera(
        self,
        camera: str,
        state: WireCameraState | str,
        fps: float | None = None,
        dropped_frames: int | None = None,
    ) -> None:
        """Record a camera's state; a change of state re-publishes the retained status."""
        state = WireCameraState(state)  # a word the contract does not know fails here
        with self._status_lock:
            cam = self.cameras.setdefault(camera, CameraStatus())
            changed = cam.state != state
            cam.state = state
            cam.fps = fps if fps is not None else cam.fps
            if dropped_frames is not None:
                cam.dropped_frames = dropped_frames
        if changed:
            self.publish_status(BoxState.ONLINE)

    def status_payload(self, state: BoxState) -> dict[str, Any]:
        with self._status_lock:
            cams = {cid: c.as_dict() for cid, c in self.cameras.items()}
        return {
            "schema_version": SCHEMA_VERSION,
            "site": self.site,
            "box": self.box,
            "state": state,
            "at": _now(),
            "cameras": cams,
        }

    def publish_status(self, state: BoxState) -> Delivery | None:
        if not self.client.connected:
            return None
        return self.client.publish(
            topics.status_topic(self.site, self.box), _dumps(self.status_payload(state)), 1, True
        )

    def metrics_payload(self) -> dict[str, Any]:
        st = self.outbox.stats()
        with self._status_lock:
            dropped = dict(st.dropped) | self.errors
            cams = {cid: c.as_dict() for cid, c in self.cameras.items()}
        return {
            "schema_version": METRICS_VERSION,
            "site": self.site,
            "box": self.box,
            "at": _now(),
            "connected": self.client.connected,
            "outbox": {
                "depth": st.depth,
                "incidents": st.incidents,
                "awaiting_receipt": self.receipts.waiting if self.receipts else 0,
                "bytes": st.bytes,
                "oldest_age_s": None if st.oldest_age_s is None else round(st.oldest_age_s, 3),
                "dropped": dropped,
            },
            "cameras": cams,
        } | ({} if self.analysis is None else {"analysis": self.analysis()})

    def serve_control(self, handler: ControlHandler) -> None:
        """Answer commands on this box's control topic with ``handler`` (call before start)."""
        self._control = handler
        self.client.subscribe(topics.control_topic(self.site, self.box), self._on_control)

    def _on_control(self, rec) -> None:
        assert self._control is not None
        result = self._control.handle(rec.payload)
        ack = ack_payload(result, self.site, self.box, _now())
        try:
            self.outbox.put(topics.control_ack_topic(self.site, self.box), _dumps(ack), kind="ack")
        except OutboxError as err:
            log.error("control ack %s not stored: %s", result.command_id, err)
        if result.status == "accepted" and result.command == "publish_status":
            self.publish_status(BoxState.ONLINE)
        self._wake.set()

    def _on_connection(self, up: bool) -> None:
        if up:
            self.publish_status(BoxState.ONLINE)
            if self.receipts is not None:
                self.receipts.reconnected()
        self._wake.set()

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        self.client.start()
        self._thread = threading.Thread(target=self._run, name="mqtt-outbox", daemon=True)
        self._thread.start()

    def stop(self, drain_timeout_s: float = 5.0) -> None:
        """Publish what can be published within ``drain_timeout_s``, then ``stopped``, then leave.

        What is not delivered stays in the outbox for the next start.
        """
        if self._closed:
            return
        self._closed = True
        deadline = time.monotonic() + drain_timeout_s
        while time.monotonic() < deadline and self.client.connected and self.outbox.depth() > 0:
            self._wake.set()
            time.sleep(0.02)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        done = self.publish_status(BoxState.STOPPED)
        while done is not None and not done.done() and time.monotonic() < deadline + 1:
            time.sleep(0.01)
        self.client.stop()
        self.outbox.close()

    def close(self) -> None:
        """:meth:`stop` with up to 10 s to deliver what is still in the outbox."""
        self.stop(drain_timeout_s=10.0)

    def wait_drained(self, timeout_s: float) -> bool:
        """True once the outbox is empty (tests, benchmarks)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.outbox.depth() == 0:
                return True
            time.sleep(0.01)
        return self.outbox.depth() == 0

    def _run(self) -> None:
        last_seq, generation = 0, self.client.generation
        next_metrics = time.monotonic() + self.metrics_interval_s
        while not self._stop.is_set():
            self._wake.wait(0.05)
            self._wake.clear()
            try:
                self._apply_receipts()
                self._collect_acks()
                if self.client.generation != generation:
                    if self._inflight:  # paho re-sends these first; new ones wait for their acks
                        continue
                    generation = self.client.generation
                if self.client.connected:
                    last_seq = self._send_more(last_seq)
                    self._resend_due()
                if time.monotonic() >= next_metrics:
                    next_metrics = time.monotonic() + self.metrics_interval_s
                    if self.client.connected:
                        self.client.publish(
                            topics.metrics_topic(self.site, self.box),
                            _dumps(self.metrics_payload()),
                            0,
                            False,
                        )
            except GridwatchError as err:
                log.error("outbox sender: %s", err)
                time.sleep(0.5)
            except Exception:  # a bug must not end the sender: nothing would be published again
                log.exception("outbox sender failed; retrying")
                time.sleep(0.5)

    def _apply_receipts(self) -> None:
        refs: list[str] = []
        while True:
            try:
                refs += self._receipted.get_nowait()
            except queue.Empty:
                break
        if refs and self.receipts is not None:
            self.outbox.remove_refs(refs)
            self.receipts.receipted(refs)

    def _collect_acks(self) -> None:
        done = [(seq, ref) for seq, ref, d in self._inflight if d.done()]
        if not done:
            return
        finished = {seq for seq, _ in done}
        self._inflight = [x for x in self._inflight if x[0] not in finished]
        self.outbox.remove(seq for seq, ref in done if ref is None or self.receipts is None)
        awaiting = [(seq, ref) for seq, ref in done if ref is not None]
        if awaiting and self.receipts is not None:  # receipted before its PUBACK: row gone
            held = {e.seq for e in self.outbox.get(seq for seq, _ in awaiting)}
            for seq, ref in awaiting:
                if seq in held:
                    self.receipts.acked(seq, ref)

    def _publish(self, entry) -> None:
        delivery = self.client.publish(entry.topic, entry.payload, 1, entry.retain)
        self._inflight.append((entry.seq, entry.ref, delivery))

    def _send_more(self, last_seq: int) -> int:
        room = self.window - len(self._inflight)
        if room <= 0:
            return last_seq
        for entry in self.outbox.peek(room, after_seq=last_seq):
            self._publish(entry)
            last_seq = entry.seq
        return last_seq

    def _resend_due(self) -> None:
        """Send again what the broker took but the collector never receipted (broker lost it)."""
        if self.receipts is None:
            return
        due = self.receipts.due(self.window - len(self._inflight))
        if not due:
            return
        entries = self.outbox.get(seq for seq, _ in due)
        held = {e.seq for e in entries}
        self.receipts.forget(ref for seq, ref in due if seq not in held)  # evicted by the cap
        for entry in entries:
            self._publish(entry)
        self.resent += len(entries)
        log.info("sent %d entries again: no receipt within the timeout", len(entries))
