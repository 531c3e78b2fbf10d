"""Remote tuning round trip: collector tune -> box control handler -> YAML + audit -> ack."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from collector.cli.main import app
from collector.transport.tune import send_control, threshold_command
from edge_agent.publish import ControlHandler
from tests.collector.transport.helpers import SITE, collector_config, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def tuned_box(tmp_path, mosquitto, make_publisher):
    applied = []
    pub = make_publisher(mosquitto.url)
    config_path = tmp_path / "agent" / "agent-b1.yaml"
    pub.serve_control(ControlHandler(config_path, on_applied=applied.append))
    wait_until(lambda: pub.client.connected, 10, "box connected")
    return pub, config_path, applied


CASES = [
    # key, value, status, reason fragment
    ("warning_count", 25, "accepted", None),
    ("warning_count", 5, "rejected", "advisory_count < warning_count"),
    ("no_such_key", 1, "rejected", "unknown threshold"),
    ("warning_count", "many", "rejected", "not a number"),
]


@pytest.mark.parametrize(("key", "value", "status", "reason"), CASES)
def test_threshold_change_round_trip(tmp_path, mosquitto, tuned_box, key, value, status, reason):
    pub, config_path, applied = tuned_box
    before = config_path.read_text()
    cfg = collector_config(tmp_path / "center", mosquitto.url)
    ack = send_control(cfg, SITE, "b1", threshold_command("c1", "z1", key, value, "alice"), 10)
    assert ack["status"] == status
    after = config_path.read_text()
    if status == "accepted":
        assert (ack["old"], ack["new"]) == (30, 25)
        zone = yaml.safe_load(after)["cameras"][0]["zones"][0]
        assert zone["thresholds"]["warning_count"] == 25
        assert "# the bridge" in after  # comments kept
        assert applied[-1].cameras[0].zones[0].thresholds.warning_count == 25
        audit = [
            json.loads(line)
            for line in (config_path.parent / "var" / "audit.jsonl").read_text().splitlines()
        ]
        assert audit[-1] | {"at": None} == {
            "file": str(config_path),
            "camera": "c1",
            "zone": "z1",
            "key": key,
            "old": 30,
            "new": 25,
            "user": "alice",
            "at": None,
            "origin": "remote",
        }
    else:
        assert reason in ack["reason"]
        assert after == before and applied == []


def test_unknown_zone_rejected_through_the_cli(tmp_path, mosquitto, tuned_box):
    cfg = collector_config(tmp_path / "center", mosquitto.url)
    conf = tmp_path / "center" / "collector.yaml"
    conf.write_text(yaml.safe_dump(cfg.model_dump(mode="json")))
    result = CliRunner().invoke(
        app, ["tune", SITE, "b1", "c1", "nope", "warning_count", "20", "--config", str(conf)]
    )
    assert result.exit_code == 1, result.output
    assert "rejected" in result.output and "nope" in result.output


def test_redelivered_command_is_applied_once(tmp_path, mosquitto, tuned_box):
    pub, config_path, applied = tuned_box
    cfg = collector_config(tmp_path / "center", mosquitto.url)
    cmd = threshold_command("c1", "z1", "warning_count", 26, "bob")
    first = send_control(cfg, SITE, "b1", cmd, 10)
    second = send_control(cfg, SITE, "b1", cmd, 10)
    assert first["status"] == second["status"] == "accepted"
    assert len(applied) == 1
