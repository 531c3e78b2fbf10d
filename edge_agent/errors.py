"""Exceptions raised by the edge agent.

Every error the agent raises on purpose derives from :class:`GridwatchError`, so the CLI can turn
them into a clean message and a non-zero exit without a traceback::

    GridwatchError (edge_agent.contract.errors: shared with the collector)
    ├── ConfigError            a YAML file, key path or value is wrong (names all three)
    ├── ContractError          a message does not satisfy the JSON Schema of the contract
    └── EdgeAgentError
        ├── ModelError             an ONNX model does not match the adapter asked for
        │   └── ModelStoreError    a model download or install failed (nothing half-written)
        ├── SourceError            a camera or video file cannot be opened or read
        ├── GeometryError          a polygon or calibration is unusable
        ├── OutboxError            the durable outbox cannot store an event
        └── BaselineError          a construction reference is missing or unreadable
"""

from __future__ import annotations

from edge_agent.contract.errors import ConfigError, ContractError, GridwatchError, describe_problems

__all__ = [
    "GridwatchError",
    "EdgeAgentError",
    "ConfigError",
    "describe_problems",
    "ModelError",
    "ModelStoreError",
    "SourceError",
    "GeometryError",
    "ContractError",
    "OutboxError",
    "BaselineError",
]


class EdgeAgentError(GridwatchError):
    """Base of every error the edge agent raises on purpose (besides the shared ones)."""


class ModelError(EdgeAgentError):
    """A model file is missing or its inputs/outputs do not fit the adapter."""


class ModelStoreError(ModelError):
    """``models fetch`` or ``models install`` failed: bad hash, HTTP error, no network, bad graph."""


class SourceError(EdgeAgentError):
    """A frame source (file or RTSP stream) cannot be opened or read."""


class GeometryError(EdgeAgentError):
    """A zone polygon or ground-plane calibration cannot be used."""


class OutboxError(EdgeAgentError):
    """The durable outbox cannot accept or deliver an event."""


class BaselineError(EdgeAgentError):
    """A construction-watch reference image is missing, unreadable or does not fit the view."""
