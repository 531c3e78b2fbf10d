"""The one module that imports paho-mqtt: a small communicator (publish, subscribe, ack, stop).

Connection state is only what the broker said: ``connected`` becomes true on a CONNACK with a
success code, never on a refused connection; the refusal reason is kept in ``last_error``.
paho reconnects by itself (backoff 1..30 s) and re-sends in-flight QoS 1 messages on reconnect.

The collector uses the same communicator with ``manual_ack=True``, acknowledging each message only
after its row is committed.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from edge_agent.contract.errors import ConfigError

__all__ = ["BrokerSettings", "Received", "Delivery", "MqttClient", "parse_url"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokerSettings:
    """How to reach the broker. ``protocol`` is 5 or 311 (amqtt speaks 3.1.1 only)."""

    url: str
    client_id: str
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    tls_insecure: bool = False
    keepalive_s: int = 30
    protocol: int = 311
    clean: bool = False
    session_expiry_s: int = 7 * 24 * 3600
    receive_maximum: int = 1000
    will: tuple[str, bytes, int, bool] | None = None


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    mid: int
    qos: int
    retain: bool
    generation: int = 0  # connection it arrived on; ack only on the same connection


@dataclass
class Delivery:
    """Handle of one published message; ``done()`` is true once the broker acknowledged it."""

    info: Any = field(repr=False)

    @property
    def mid(self) -> int:
        return int(self.info.mid)

    def done(self) -> bool:
        try:
            return bool(self.info.is_published())
        except (RuntimeError, ValueError):
            # Published while the connection was down: paho queued it and sends it after the
            # reconnect, but is_published() keeps raising on the stale return code.
            return bool(getattr(self.info, "_published", False))


def parse_url(url: str) -> tuple[str, int, bool]:
    """``mqtt://host[:port]`` or ``mqtts://host[:port]`` → ``(host, port, tls)``."""
    u = urlparse(url)
    if u.scheme not in ("mqtt", "mqtts") or not u.hostname:
        raise ConfigError(
            "<mqtt>", [("url", url, "must be mqtt://host[:port] or mqtts://host[:port]")]
        )
    tls = u.scheme == "mqtts"
    return u.hostname, u.port or (8883 if tls else 1883), tls


class MqttClient:
    """publish / subscribe / ack / stop over one paho client running its own network thread."""

    def __init__(self, settings: BrokerSettings, manual_ack: bool = False):
        self.settings = settings
        self.host, self.port, tls = parse_url(settings.url)
        self.connected = False
        self.last_error: str | None = None
        self.generation = 0  # number of successful connections so far
        self.on_connection_change: Callable[[bool], None] | None = None
        self.on_publish: Callable[[int], None] | None = None
        self._subs: dict[str, tuple[int, Callable[[Received], None]]] = {}
        self._route: dict[str, Callable[[Received], None] | None] = {}
        self._lock = threading.Lock()
        self._stopped = False
        version = (
            MQTTProtocolVersion.MQTTv5 if settings.protocol == 5 else MQTTProtocolVersion.MQTTv311
        )
        kwargs: dict[str, Any] = {"protocol": version, "manual_ack": manual_ack}
        if settings.protocol != 5:
            kwargs["clean_session"] = settings.clean
        self._c = paho.Client(CallbackAPIVersion.VERSION2, settings.client_id, **kwargs)
        self._c.max_inflight_messages_set(settings.receive_maximum)
        self._c.max_queued_messages_set(0)
        self._c.reconnect_delay_set(1, 30)
        if settings.username is not None:
            self._c.username_pw_set(settings.username, settings.password)
        if tls or settings.ca_file or settings.cert_file:
            self._c.tls_set(
                ca_certs=settings.ca_file,
                certfile=settings.cert_file,
                keyfile=settings.key_file,
                cert_reqs=ssl.CERT_REQUIRED,
            )
            self._c.tls_insecure_set(settings.tls_insecure)
        if settings.will is not None:
            topic, payload, qos, retain = settings.will
            self._c.will_set(topic, payload, qos=qos, retain=retain)
        self._c.on_connect = self._on_connect
        self._c.on_disconnect = self._on_disconnect
        self._c.on_message = self._on_message
        self._c.on_publish = self._on_publish

    def _connect_properties(self) -> Properties | None:
        if self.settings.protocol != 5:
            return None
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 0 if self.settings.clean else self.settings.session_expiry_s
        props.ReceiveMaximum = self.settings.receive_maximum
        return props

    def start(self) -> None:
        """Connect in the background; returns at once (the broker may be down)."""
        kwargs: dict[str, Any] = {"keepalive": self.settings.keepalive_s}
        if self.settings.protocol == 5:
            kwargs["clean_start"] = self.settings.clean
            kwargs["properties"] = self._connect_properties()
        self._c.connect_async(self.host, self.port, **kwargs)
        self._c.loop_start()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.last_error = f"connection refused: {reason_code}"
            log.warning(
                "broker %s:%s refused the connection: %s", self.host, self.port, reason_code
            )
            return
        self.last_error = None
        with self._lock:
            subs = dict(self._subs)
        for topic, (qos, _) in subs.items():
            client.subscribe(topic, qos=qos)
        self.generation += 1
        self.connected = True
        if self.on_connection_change:
            self.on_connection_change(True)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        was = self.connected
        self.connected = False
        if was and reason_code is not None and reason_code.is_failure:  # keep a refusal's reason
            self.last_error = f"disconnected: {reason_code}"
        if was and self.on_connection_change:
            self.on_connection_change(False)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        if self.on_publish:
            self.on_publish(mid)

    def _on_message(self, client, userdata, msg) -> None:
        handler = self._handler_for(msg.topic)
        if handler is None:
            return
        rec = Received(
            msg.topic, bytes(msg.payload), msg.mid, msg.qos, bool(msg.retain), self.generation
        )
        try:
            handler(rec)
        except Exception:  # a handler bug must not kill paho's network thread
            log.exception("message handler failed on %s", msg.topic)

    def _handler_for(self, topic: str) -> Callable[[Received], None] | None:
        """The handler of the first subscription matching ``topic`` (cached per topic)."""
        with self._lock:
            if topic in self._route:
                return self._route[topic]
            found = next(
                (h for t, (_, h) in self._subs.items() if paho.topic_matches_sub(_strip(t), topic)),
                None,
            )
            if len(self._route) > 10_000:
                self._route.clear()
            self._route[topic] = found
            return found

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> Delivery:
        """Queue a message; paho sends it now or after the next (re)connect."""
        return Delivery(self._c.publish(topic, payload, qos=qos, retain=retain))

    def subscribe(self, topic: str, handler: Callable[[Received], None], qos: int = 1) -> None:
        """Subscribe now and again after every reconnect."""
        with self._lock:
            self._subs[topic] = (qos, handler)
            self._route.clear()
        if self.connected:
            self._c.subscribe(topic, qos=qos)

    def ack(self, rec: Received) -> bool:
        """Acknowledge a received message (``manual_ack`` clients only).

        A message that arrived on an earlier connection is not acknowledged (its packet id may
        now belong to another message); the broker re-delivers it instead. Returns True if sent.
        """
        if rec.qos == 0 or rec.generation != self.generation or not self.connected:
            return False
        self._c.ack(rec.mid, rec.qos)
        return True

    def stop(self, timeout_s: float = 2.0) -> None:
        """Disconnect cleanly (no last will) and stop the network thread."""
        if self._stopped:
            return
        self._stopped = True
        self._c.disconnect()
        self._c.loop_stop()
        self.connected = False


def _strip(topic: str) -> str:
    """``$share/<group>/<filter>`` → ``<filter>`` (messages arrive on the real topic)."""
    if topic.startswith("$share/"):
        return topic.split("/", 2)[2]
    return topic
