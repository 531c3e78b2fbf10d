"""Where incident events go: the pipeline only knows this small interface.

The MQTT publisher (``edge_agent.publish``) implements it with a durable outbox; replay writes JSONL;
tests collect into a list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol, TextIO

from edge_agent.contract.incident import Incident

__all__ = ["IncidentSink", "ListSink", "JsonlWriter"]


class IncidentSink(Protocol):
    def emit(self, incident: Incident) -> None:
        """Accept one incident event; must not block the pipeline for long or raise on outages."""


class ListSink:
    """Keeps events in memory (tests, summaries)."""

    def __init__(self) -> None:
        self.events: list[Incident] = []

    def emit(self, incident: Incident) -> None:
        self.events.append(incident)


class JsonlWriter:
    """One JSON object per line: analysed frames and incident events (``edge-agent replay --jsonl``)."""

    def __init__(self, path: str | Path):
        # open for the writer's lifetime, closed by close()
        self._file: TextIO = Path(path).open("w", encoding="utf-8")  # noqa: SIM115

    def write(self, obj: dict[str, Any]) -> None:
        self._file.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")

    def emit(self, incident: Incident) -> None:
        self.write({"kind": "incident", "incident": incident.to_payload()})

    def close(self) -> None:
        self._file.close()
