"""Topics, signatures, schema versioning and the control handler (pure)."""

from __future__ import annotations

import json

import pytest

from collector.ingest.validate import Accepted, Limits, Rejected, classify
from edge_agent.contract.signing import canonical_json, load_key, sign, verify
from edge_agent.contract.topics import TopicParts, incident_topic, parse_topic
from edge_agent.errors import ContractError
from edge_agent.publish.control import ControlHandler
from tests.collector.transport.helpers import KEY_B1, SITE, agent_config, incident

TOPICS = [
    ("gridwatch/v1/x/b1/c1/incident", TopicParts("x", "b1", "incident", camera="c1")),
    ("gridwatch/v1/x/b1/status", TopicParts("x", "b1", "status")),
    ("gridwatch/v1/x/b1/metrics", TopicParts("x", "b1", "metrics")),
    ("gridwatch/v1/x/b1/control", TopicParts("x", "b1", "control")),
    ("gridwatch/v1/x/b1/control/ack", TopicParts("x", "b1", "control/ack")),
    (
        "gridwatch/v1/x/b1/c1/evidence/01J0/a.jpg",
        TopicParts("x", "b1", "evidence", camera="c1", event_id="01J0", name="a.jpg"),
    ),
]


@pytest.mark.parametrize(("topic", "parts"), TOPICS)
def test_parse_topic(topic, parts):
    assert parse_topic(topic) == parts


@pytest.mark.parametrize(
    "topic",
    [
        "gridwatch/v2/x/b1/c1/incident",
        "gridwatch/v1/x/b1/c1/other",
        "gridwatch/v1/x/b1",
        "gridwatch/v1/x/b 1/c1/incident",
        "other/v1/x/b1/status",
    ],
)
def test_parse_topic_refuses(topic):
    with pytest.raises(ContractError):
        parse_topic(topic)


def test_incident_topic_refuses_bad_ids():
    with pytest.raises(ContractError, match="camera"):
        incident_topic("x", "b1", "c/1")


def test_canonical_json_is_sorted_compact_and_ignores_signature():
    assert canonical_json({"b": 1, "a": "é", "signature": {"x": 1}}) == '{"a":"é","b":1}'.encode()


SIGNED = sign({"site": "x", "box": "b1", "n": 1}, KEY_B1, "x/b1")
VERIFY = [
    (SIGNED, {"x/b1": KEY_B1}, None),
    ({**SIGNED, "n": 2}, {"x/b1": KEY_B1}, "signature does not match"),
    ({k: v for k, v in SIGNED.items() if k != "signature"}, {"x/b1": KEY_B1}, "unsigned"),
    ({**SIGNED, "box": "b2"}, {"x/b1": KEY_B1, "x/b2": KEY_B1}, "not by the payload's box"),
    (SIGNED, {}, "no key for 'x/b1'"),
    (
        {**SIGNED, "signature": {**SIGNED["signature"], "alg": "ed25519"}},
        {"x/b1": KEY_B1},
        "unsupported",
    ),
]


@pytest.mark.parametrize(("payload", "keys", "problem"), VERIFY)
def test_verify(payload, keys, problem):
    got = verify(payload, keys)
    assert got == problem if problem is None else problem in got


def test_load_key_hex_and_too_short(tmp_path):
    (tmp_path / "k").write_text(KEY_B1.hex() + "\n")
    assert load_key(tmp_path / "k") == KEY_B1
    (tmp_path / "short").write_text("abcd")
    with pytest.raises(ContractError, match="shorter"):
        load_key(tmp_path / "short")


def _raw(**changes) -> bytes:
    p = incident(0).to_payload() | changes
    return json.dumps(sign(p, KEY_B1, f"{SITE}/b1")).encode()


VERSIONS = [
    ("1.0", {}, Accepted),
    ("1.0", {"future": 1}, Rejected),
    ("1.7", {"future": 1}, Accepted),
    ("1.7", {"zone": 5}, Rejected),  # known fields still validated
    ("2.0", {}, Rejected),
    ("one", {}, Rejected),
]


@pytest.mark.parametrize(("version", "changes", "verdict"), VERSIONS)
def test_versioning(version, changes, verdict):
    got = classify(
        incident_topic(SITE, "b1", "c1"),
        _raw(schema_version=version, **changes),
        Limits(keys={f"{SITE}/b1": KEY_B1}),
    )
    assert isinstance(got, verdict)
    if version == "2.0":
        assert got.reason == "unknown_major"


CONTROL = [
    (b"[1]", "rejected", "not a JSON object"),
    (b'{"command_id": "a", "schema_version": "1.0", "command": "reboot"}', "rejected", "command"),
    (
        b'{"command_id": "b", "schema_version": "1.0", "command": "set_threshold"}',
        "rejected",
        "required",
    ),
    (
        b'{"command_id": "c", "schema_version": "1.0", "command": "publish_status"}',
        "accepted",
        None,
    ),
    (b"x" * 9000, "rejected", "exceeds"),
]


@pytest.mark.parametrize(("raw", "status", "reason"), CONTROL)
def test_control_handler_validates(tmp_path, raw, status, reason):
    path = agent_config(tmp_path, "mqtt://127.0.0.1:1")
    result = ControlHandler(path).handle(raw)
    assert result.status == status
    assert reason is None or reason in result.reason
