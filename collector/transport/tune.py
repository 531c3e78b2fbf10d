"""Remote tuning from the center: send a control command to a box and wait for its ack.

The box validates the change, applies it live, writes it into its YAML with an audit entry and
answers on ``.../control/ack`` (``accepted`` or ``rejected`` with the reason). A box that is
offline gets the command when it reconnects (QoS 1 into its persistent session); then this
call times out, and the ack arrives later in the ``control_acks`` table of ``collector run``.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from collector.errors import CollectorError
from collector.transport.config import CollectorConfig
from collector.transport.service import collector_settings
from edge_agent.contract import SCHEMA_VERSION, topics
from edge_agent.contract.mqtt import BrokerSettings, MqttClient, Received

__all__ = ["TuneError", "threshold_command", "send_control"]


class TuneError(CollectorError):
    """A control command could not be delivered or was not answered in time."""


def threshold_command(camera: str, zone: str, key: str, value: str | float, user: str) -> dict:
    """A ``set_threshold`` control message with a fresh ``command_id``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command_id": str(ULID()),
        "command": "set_threshold",
        "camera": camera,
        "zone": zone,
        "key": key,
        "value": value,
        "user": user,
        "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def send_control(
    cfg: CollectorConfig, site: str, box: str, command: dict[str, Any], timeout_s: float = 10.0
) -> dict[str, Any]:
    """Publish ``command`` to the box and return its ack; raises :class:`TuneError` on timeout."""
    client = MqttClient(_control_settings(cfg, command["command_id"]))
    got: dict[str, Any] = {}
    answered = threading.Event()

    def on_ack(rec: Received) -> None:
        try:
            ack = json.loads(rec.payload)
        except ValueError:
            return
        if isinstance(ack, dict) and ack.get("command_id") == command["command_id"]:
            got.update(ack)
            answered.set()

    client.subscribe(topics.control_ack_topic(site, box), on_ack)
    client.start()
    try:
        if not _wait(lambda: client.connected and client.generation > 0, timeout_s):
            raise TuneError(f"cannot connect to {cfg.broker.url}: {client.last_error or 'timeout'}")
        sent = client.publish(topics.control_topic(site, box), json.dumps(command).encode())
        if not _wait(sent.done, timeout_s):
            raise TuneError("the broker did not acknowledge the command")
        if not answered.wait(timeout_s):
            raise TuneError(
                f"no ack from {site}/{box} within {timeout_s} s; the box gets the command "
                "when it reconnects (see control_acks in the collector store)"
            )
    finally:
        client.stop()
    return got


def _control_settings(cfg: CollectorConfig, command_id: str) -> BrokerSettings:
    """The collector's broker settings under the control account, in a clean session of its own.

    Mosquitto with ``use_username_as_clientid`` (the shipped config) names every session after
    its account, so under the collector's own account this short-lived client would take over
    the running collector's connection and, being clean, discard its session.
    """
    b = cfg.broker
    if b.username is not None and b.control_username is None:
        raise TuneError(
            "broker.control_username is not set: tune needs an account of its own (the broker "
            "binds client ids to accounts, so the collector's would take over its session); "
            "create one with scripts/make_box_credentials.py --collector --user operator"
        )
    base = collector_settings(cfg)
    return replace(
        base,
        client_id=f"{base.client_id}-tune-{command_id[-8:]}",
        username=b.control_username or b.username,
        password=b.control_password if b.control_username else b.password,
        clean=True,
        protocol=311,
    )


def _wait(cond, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return bool(cond())
