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

__all__ = ["SCHEMA_VERSION", "load_schema", "validator", "validate_incident"]

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
    return Draft202012Validator(load_schema(message, major))


def validate_incident(payload: dict[str, Any]) -> None:
    """Raise :class:`ContractError` naming the first offending field, if any."""
    errors = sorted(validator("incident").iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "<root>"
        raise ContractError(f"incident field {where}: {first.message}")
