"""Exceptions raised by the edge agent.

Every error the agent raises on purpose derives from :class:`EdgeAgentError`, so the CLI can turn
them into a clean message and a non-zero exit without a traceback::

    EdgeAgentError
    ├── ConfigError            a YAML file, key path or value is wrong (names all three)
    ├── ModelError             an ONNX model does not match the adapter asked for
    ├── SourceError            a camera or video file cannot be opened or read
    ├── GeometryError          a polygon or calibration is unusable
    ├── ContractError          an incident does not satisfy the JSON Schema
    ├── OutboxError            the durable outbox cannot store an event
    └── BaselineError          a construction reference is missing or unreadable
"""

from __future__ import annotations

__all__ = [
    "EdgeAgentError",
    "ConfigError",
    "describe_problems",
    "ModelError",
    "SourceError",
    "GeometryError",
    "ContractError",
    "OutboxError",
    "BaselineError",
]


class EdgeAgentError(Exception):
    """Base of every error the edge agent raises on purpose."""


class ConfigError(EdgeAgentError):
    """A configuration file is invalid.

    Attributes:
        file: the file that was read (or ``"<dict>"`` when parsed from memory).
        problems: one ``(key_path, value, reason)`` tuple per problem.
    """

    def __init__(self, file: str, problems: list[tuple[str, object, str]]):
        self.file = file
        self.problems = problems
        super().__init__(describe_problems(file, problems))


def describe_problems(file: str, problems: list[tuple[str, object, str]]) -> str:
    """One line naming the file, then one ``key.path = value: reason`` line per problem."""
    lines = [f"{file}: {len(problems)} problem(s)"]
    for key_path, value, reason in problems:
        lines.append(f"  {key_path or '<root>'} = {value!r}: {reason}")
    return "\n".join(lines)


class ModelError(EdgeAgentError):
    """A model file is missing or its inputs/outputs do not fit the adapter."""


class SourceError(EdgeAgentError):
    """A frame source (file or RTSP stream) cannot be opened or read."""


class GeometryError(EdgeAgentError):
    """A zone polygon or ground-plane calibration cannot be used."""


class ContractError(EdgeAgentError):
    """A message does not satisfy the versioned JSON Schema of the MQTT contract."""


class OutboxError(EdgeAgentError):
    """The durable outbox cannot accept or deliver an event."""


class BaselineError(EdgeAgentError):
    """A construction-watch reference image is missing, unreadable or does not fit the view."""
