"""Decide what a received MQTT message is: pure, never raises on any input.

Versioning (``schema_version`` = ``"<major>.<minor>"``):

* another major than 1 → dead letter ``unknown_major``;
* major 1, minor 0 → validated strictly against ``<message>-1.json``;
* major 1, a newer minor → validated leniently: properties the 1.0 schema does not know are ignored
  (removed from the copy that is validated, kept in the stored payload and covered by the
  signature), and everything the 1.0 schema knows must still be valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from collector.ingest.fastschema import Unsupported, compile_schema
from edge_agent.contract import load_schema
from edge_agent.contract.errors import ContractError
from edge_agent.contract.signing import verify
from edge_agent.contract.strict import FORMAT_CHECKER, JsonValueError, loads
from edge_agent.contract.topics import TopicParts, parse_topic

__all__ = ["Limits", "Accepted", "Rejected", "classify", "lenient_view", "SUPPORTED_MINOR"]

SUPPORTED_MINOR = 0
_SCHEMAS = {
    "incident": "incident",
    "status": "status",
    "metrics": "metrics",
    "control/ack": "control-ack",
}


@dataclass(frozen=True)
class Limits:
    max_message_bytes: int = 64 * 1024
    max_evidence_bytes: int = 1_000_000
    require_signatures: bool = True
    keys: Mapping[str, bytes] = field(default_factory=dict)
    hold_orphans: bool = False  # shared subscriptions: evidence may come before its incident


@dataclass(frozen=True)
class Accepted:
    kind: str  # incident | evidence | status | metrics | control/ack
    topic: TopicParts
    payload: dict[str, Any] | None  # None for evidence (raw bytes)
    raw: bytes


@dataclass(frozen=True)
class Rejected:
    reason: str  # short code: invalid_json, schema, oversized, unknown_major, wrong_topic, ...
    detail: str
    raw: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def lenient_view(value: Any, schema: Mapping[str, Any]) -> Any:
    """A copy of ``value`` without the object properties ``schema`` does not declare."""
    if isinstance(value, dict) and isinstance(schema.get("properties"), Mapping):
        props = schema["properties"]
        closed = schema.get("additionalProperties") is False
        return {
            k: lenient_view(v, props.get(k, {}))
            for k, v in value.items()
            if k in props or not closed
        }
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [lenient_view(v, schema["items"]) for v in value]
    return value


def _version(payload: dict[str, Any]) -> tuple[int, int] | None:
    v = payload.get("schema_version")
    if not isinstance(v, str) or v.count(".") != 1:
        return None
    major, minor = v.split(".")
    if not (major.isdigit() and minor.isdigit()):
        return None
    return int(major), int(minor)


_ANNOTATIONS = frozenset({"$ref", "description", "title", "$comment"})


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with local ``#/$defs/x`` references replaced by their target (5x faster)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        # a reference beside annotations only (a description) inlines too: ``$defs`` is dropped
        # below, so one left as a reference would point nowhere (reference_at of schema 1.2)
        if isinstance(ref, str) and ref.startswith("#/$defs/") and set(node) <= _ANNOTATIONS:
            target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
            return {**{k: v for k, v in node.items() if k != "$ref"}, **target}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def _validator(message: str) -> tuple[Draft202012Validator, Callable[[Any], bool] | None]:
    """jsonschema for messages, and the compiled fast path when the schema allows it."""
    schema = load_schema(message)
    inlined = _inline_refs(schema, schema.get("$defs", {}))
    try:
        fast = compile_schema(inlined)
    except Unsupported:
        fast = None
    return Draft202012Validator(inlined, format_checker=FORMAT_CHECKER), fast


def _schema_error(message: str, payload: dict[str, Any], minor: int) -> str | None:
    v, fast = _validator(message)
    doc = lenient_view(payload, v.schema) if minor > SUPPORTED_MINOR else payload
    if fast is not None and fast(doc):
        return None
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    if not errors:
        return None
    where = "/".join(str(p) for p in errors[0].path) or "<root>"
    return f"{where}: {errors[0].message}"[:500]


def _topic_mismatch(parts: TopicParts, payload: dict[str, Any]) -> str | None:
    wanted = {"site": parts.site, "box": parts.box}
    if parts.kind == "incident":
        wanted["camera"] = parts.camera or ""
    for key, value in wanted.items():
        if payload.get(key) != value:
            return f"topic {key} {value!r} but payload {key} {payload.get(key)!r}"
    return None


def classify(topic: str, raw: bytes, limits: Limits) -> Accepted | Rejected:
    """Accept a message for storage, or say why it is a dead letter."""
    try:
        return _classify(topic, raw, limits)
    except Exception as err:  # pragma: no cover - defensive: input must never crash ingest
        return Rejected("internal", f"{type(err).__name__}: {err}", raw)


def _classify(topic: str, raw: bytes, limits: Limits) -> Accepted | Rejected:
    try:
        parts = parse_topic(topic)
    except ContractError as err:
        return Rejected("wrong_topic", str(err), raw)
    if parts.kind == "evidence":
        if len(raw) > limits.max_evidence_bytes:
            return Rejected("oversized", f"{len(raw)} > {limits.max_evidence_bytes} bytes", raw)
        return Accepted("evidence", parts, None, raw)
    if parts.kind in ("control", "receipt"):
        return Rejected(
            "wrong_topic", f"{parts.kind} messages are for boxes, not the collector", raw
        )
    if len(raw) > limits.max_message_bytes:
        return Rejected("oversized", f"{len(raw)} > {limits.max_message_bytes} bytes", raw)
    try:
        payload = loads(raw)
    except JsonValueError as err:  # NaN, 1e999, 2**64: JSON, but not what the contract allows
        return Rejected("schema", str(err)[:500], raw)
    except ContractError as err:
        return Rejected("invalid_json", str(err)[:500], raw)
    if not isinstance(payload, dict):
        return Rejected("schema", f"not a JSON object but {type(payload).__name__}", raw)
    version = _version(payload)
    if version is None:
        return Rejected("schema", f"schema_version {payload.get('schema_version')!r}", raw)
    if version[0] != 1:
        return Rejected("unknown_major", f"schema_version {payload['schema_version']}", raw)
    problem = _schema_error(_SCHEMAS[parts.kind], payload, version[1])
    if problem:
        return Rejected("schema", problem, raw)
    mismatch = _topic_mismatch(parts, payload)
    if mismatch:
        return Rejected("wrong_topic", mismatch, raw)
    if parts.kind == "incident" and (limits.require_signatures or "signature" in payload):
        bad = verify(payload, limits.keys)
        if bad:
            return Rejected("signature", bad, raw)
    return Accepted(parts.kind, parts, payload, raw)
