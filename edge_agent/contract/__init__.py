"""The MQTT message contract shared by the edge agent and the collector.

JSON Schemas live in ``schemas/<message>-<major>.json``; a minor version only adds optional fields.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from edge_agent.contract.errors import ContractError
from edge_agent.contract.strict import FORMAT_CHECKER

__all__ = ["SCHEMA_VERSION", "load_schema", "validator", "validate_incident", "validate_message"]

#: Version written into every incident this agent emits.
SCHEMA_VERSION = "1.0"


@cache
def load_schema(message: str, major: int = 1) -> dict[str, Any]:
    """The JSON Schema of ``message`` (e.g. ``"incident"``) at a major version."""
    name = f"{message}-{major}.json"
    try:
        text = resources.files("edge_agent.contract").joinpath("schemas", name).read_text("utf-8")
    except FileNotFoundError:
        raise ContractError(f"no schema {name} in edge_agent/contract/schemas") from None
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(message: str, major: int = 1) -> Draft202012Validator:
    """jsonschema validator of ``message``; ``date-time`` formats are checked (RFC 3339)."""
    return Draft202012Validator(load_schema(message, major), format_checker=FORMAT_CHECKER)


def validate_message(message: str, payload: Any) -> None:
    """Raise :class:`ContractError` naming the first offending field of a ``message``, if any."""
    errors = sorted(validator(message).iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "<root>"
        raise ContractError(f"{message} field {where}: {first.message}")


def validate_incident(payload: dict[str, Any]) -> None:
    """Raise :class:`ContractError` naming the first offending field, if any."""
    validate_message("incident", payload)
