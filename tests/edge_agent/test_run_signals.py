"""``edge-agent run`` as a process: a live camera, a real Mosquitto, then SIGINT or SIGTERM.

A clean stop means: exit 0, every incident the agent counted reached the broker (none left in
the outbox), and the retained status says ``stopped`` (not the ``offline`` of the last will).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from edge_agent.contract import topics, validator
from edge_agent.contract.mqtt import BrokerSettings, MqttClient, Received
from edge_agent.publish.outbox import Outbox

pytestmark = pytest.mark.integration
SITE, BOX = "xitang", "box-07"
WAIT_S = 60.0


def wait_until(predicate, what: str, detail=lambda: "") -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT_S} s: {what}\n{detail()}")


def box_config(tmp_path: Path, broker_url: str, camera_url: str) -> Path:
    counts = {"advisory_count": 1, "warning_count": 2, "critical_count": 3}
    timing = {"smoothing_window_s": 0, "raise_after_s": 0, "clear_after_s": 2, "cooldown_s": 0}
    raw = {
        "box": {"site_id": SITE, "box_id": BOX},
        "mqtt": {
            "url": broker_url,
            "outbox": {"path": str(tmp_path / "outbox.sqlite")},
            # no collector here to receipt them: entries leave on PUBACK, as before receipts
            "receipts": {"enabled": False},
        },
        "evidence": {"dir": str(tmp_path / "evidence")},
        "baseline_dir": str(tmp_path / "baselines"),
        "defaults": {"thresholds": counts | timing},
        "cameras": [
            {
                "id": "room",
                "url": camera_url,
                "decode": "keyframes",
                "zones": [
                    {
                        "id": "floor",
                        "kind": "square",
                        "grid_cell": "330421101001001",
                        "polygon": [[0, 0], [768, 0], [768, 432], [0, 432]],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "box.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


class Listener:
    """Collects the box's incidents and status messages from the broker."""

    def __init__(self, url: str):
        self.incidents: list[dict] = []
        self.states: list[str] = []
        self.invalid: list[str] = []  # status messages the collector would dead-letter
        self._lock = threading.Lock()
        self.client = MqttClient(BrokerSettings(url, "test-listener", clean=True))
        self.client.subscribe(f"{topics.box_prefix(SITE, BOX)}/#", self._on_message)
        self.client.start()

    def _on_message(self, rec: Received) -> None:
        with self._lock:
            if rec.topic.endswith("/incident"):
                self.incidents.append(json.loads(rec.payload))
            elif rec.topic == topics.status_topic(SITE, BOX):
                status = json.loads(rec.payload)
                self.states.append(status["state"])
                self.invalid += [e.message for e in validator("status").iter_errors(status)]

    def counts(self) -> tuple[int, list[str]]:
        with self._lock:
            return len(self.incidents), list(self.states)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_run_stops_cleanly_on_a_signal(sig, tmp_path, mosquitto, rtsp_server, shared_data):
    server = rtsp_server(shared_data / "video/one-by-one-person.mp4")
    config = box_config(tmp_path, mosquitto.url, server.url)
    listener = Listener(mosquitto.url)
    wait_until(lambda: listener.client.connected, "listener connected")
    exe = str(Path(sys.executable).with_name("edge-agent"))  # the installed console script
    log = tmp_path / "agent.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [exe, "run", "--config", str(config)], stdout=subprocess.PIPE, stderr=err
        )
    try:
        wait_until(
            lambda: listener.counts()[0] >= 1 or proc.poll() is not None,
            "a first incident published",
            log.read_text,
        )
        assert proc.poll() is None, log.read_text()
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = out.decode()
    assert proc.returncode == 0, text + log.read_text()
    found = re.search(r"stopped: (\d+) frames analysed .* (\d+) incident event\(s\)", text)
    assert found, text
    emitted = int(found.group(2))
    wait_until(lambda: listener.counts()[0] >= emitted, "every incident delivered")
    delivered, states = listener.counts()
    listener.client.stop()
    assert delivered == emitted
    assert states[-1] == "stopped"
    assert listener.invalid == []
    outbox = Outbox(tmp_path / "outbox.sqlite", max_bytes=1 << 20)
    assert outbox.depth() == 0
    outbox.close()
