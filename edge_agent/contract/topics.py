"""MQTT topic names of the contract, built and parsed in one place.

Every topic starts with ``gridwatch/v1/<site>/<box>``; ``v1`` is the contract's major version.

Example:
    >>> incident_topic("xitang", "b1", "c1")
    'gridwatch/v1/xitang/b1/c1/incident'
    >>> parse_topic("gridwatch/v1/xitang/b1/c1/incident").kind
    'incident'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge_agent.contract.errors import ContractError

__all__ = [
    "PREFIX",
    "MAX_INCIDENT_BYTES",
    "MAX_EVIDENCE_BYTES",
    "MAX_CONTROL_BYTES",
    "INCIDENT_SUBSCRIPTION",
    "EVIDENCE_SUBSCRIPTION",
    "STATUS_SUBSCRIPTION",
    "METRICS_SUBSCRIPTION",
    "ACK_SUBSCRIPTION",
    "TopicParts",
    "box_prefix",
    "incident_topic",
    "evidence_topic",
    "status_topic",
    "metrics_topic",
    "control_topic",
    "control_ack_topic",
    "receipt_topic",
    "parse_topic",
]

PREFIX = "gridwatch/v1"

MAX_INCIDENT_BYTES = 64 * 1024
"""Cap of one incident, status, metrics or ack message (a signed incident is ~1 KB)."""
MAX_EVIDENCE_BYTES = 1_000_000
"""Cap of one evidence image (the incident schema's ``evidence[].bytes`` maximum)."""
MAX_CONTROL_BYTES = 8 * 1024
"""Cap of one control message."""

INCIDENT_SUBSCRIPTION = f"{PREFIX}/+/+/+/incident"
EVIDENCE_SUBSCRIPTION = f"{PREFIX}/+/+/+/evidence/#"
STATUS_SUBSCRIPTION = f"{PREFIX}/+/+/status"
METRICS_SUBSCRIPTION = f"{PREFIX}/+/+/metrics"
ACK_SUBSCRIPTION = f"{PREFIX}/+/+/control/ack"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_EVIDENCE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,120}$")


@dataclass(frozen=True)
class TopicParts:
    """A parsed topic; ``kind``: incident, evidence, status, metrics, control(/ack), receipt."""

    site: str
    box: str
    kind: str
    camera: str | None = None
    event_id: str | None = None
    name: str | None = None


def _check(value: str, what: str) -> str:
    if not _ID.match(value):
        raise ContractError(f"{what} {value!r} is not a valid identifier")
    return value


def box_prefix(site: str, box: str) -> str:
    return f"{PREFIX}/{_check(site, 'site')}/{_check(box, 'box')}"


def incident_topic(site: str, box: str, camera: str) -> str:
    return f"{box_prefix(site, box)}/{_check(camera, 'camera')}/incident"


def evidence_topic(site: str, box: str, camera: str, event_id: str, name: str) -> str:
    if not _EVIDENCE_NAME.match(name):
        raise ContractError(f"evidence name {name!r} is not valid")
    return f"{box_prefix(site, box)}/{_check(camera, 'camera')}/evidence/{event_id}/{name}"


def status_topic(site: str, box: str) -> str:
    return f"{box_prefix(site, box)}/status"


def metrics_topic(site: str, box: str) -> str:
    return f"{box_prefix(site, box)}/metrics"


def control_topic(site: str, box: str) -> str:
    return f"{box_prefix(site, box)}/control"


def control_ack_topic(site: str, box: str) -> str:
    return f"{box_prefix(site, box)}/control/ack"


def receipt_topic(site: str, box: str) -> str:
    """Where the collector confirms what it committed from this box (read by the box only)."""
    return f"{box_prefix(site, box)}/receipt"


_BOX_KINDS: dict[tuple[str, ...], str] = {
    ("status",): "status",
    ("metrics",): "metrics",
    ("control",): "control",
    ("receipt",): "receipt",
}


def parse_topic(topic: str) -> TopicParts:
    """Split a contract topic; raise :class:`ContractError` for anything else."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != "gridwatch" or parts[1] != "v1":
        raise ContractError(f"topic {topic!r} is not under {PREFIX}/<site>/<box>/")
    site, box, rest = parts[2], parts[3], parts[4:]
    if not (_ID.match(site) and _ID.match(box)):
        raise ContractError(f"topic {topic!r}: bad site or box")
    if tuple(rest) in _BOX_KINDS:
        return TopicParts(site, box, _BOX_KINDS[tuple(rest)])
    if rest == ["control", "ack"]:
        return TopicParts(site, box, "control/ack")
    if len(rest) == 2 and rest[1] == "incident" and _ID.match(rest[0]):
        return TopicParts(site, box, "incident", camera=rest[0])
    if (
        len(rest) == 4
        and rest[1] == "evidence"
        and _ID.match(rest[0])
        and _ID.match(rest[2])
        and _EVIDENCE_NAME.match(rest[3])
    ):
        return TopicParts(site, box, "evidence", rest[0], event_id=rest[2], name=rest[3])
    raise ContractError(f"topic {topic!r} is not a gridwatch/v1 topic")
