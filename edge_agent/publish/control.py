"""Remote tuning on the box: validate a control command, apply it, write it to the YAML, answer.

A ``set_threshold`` command goes through :func:`edge_agent.config.edit.set_threshold` with
``origin="remote"`` (validated as a whole config, written atomically with its comments, appended to
the audit log), then ``on_applied(new_config)`` lets the running pipeline use it without a restart.
Anything wrong is answered ``rejected`` with the reason; nothing is half-applied.

Example:
    >>> h = ControlHandler("/nonexistent.yaml")
    >>> h.handle(b"not json").status
    'rejected'
"""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from edge_agent.config.edit import set_threshold
from edge_agent.config.models import AgentConfig
from edge_agent.contract import SCHEMA_VERSION, validator
from edge_agent.contract.topics import MAX_CONTROL_BYTES
from edge_agent.errors import GridwatchError

__all__ = ["ControlResult", "ControlHandler", "ack_payload"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ControlResult:
    command_id: str
    command: str | None
    status: str  # accepted | rejected
    reason: str | None = None
    old: Any = None
    new: Any = None


def ack_payload(result: ControlResult, site: str, box: str, at: str) -> dict[str, Any]:
    """The ``control-ack`` message for ``result``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command_id": result.command_id[:64],
        "site": site,
        "box": box,
        "status": result.status,
        "reason": None if result.reason is None else result.reason[:2000],
        "old": result.old if isinstance(result.old, int | float | str) else None,
        "new": result.new if isinstance(result.new, int | float | str) else None,
        "at": at,
    }


def _decode(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if len(raw) > MAX_CONTROL_BYTES:
        return None, f"control message of {len(raw)} bytes exceeds {MAX_CONTROL_BYTES}"
    try:
        msg = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as err:
        return None, f"not JSON: {err}"
    if not isinstance(msg, dict):
        return None, "not a JSON object"
    return msg, None


class ControlHandler:
    """Turns control messages into config changes; remembers recent answers for redeliveries."""

    def __init__(
        self,
        config_path: str | os.PathLike[str],
        on_applied: Callable[[AgentConfig], None] | None = None,
        remember: int = 256,
    ):
        self.config_path = config_path
        self.on_applied = on_applied
        self._seen: OrderedDict[str, ControlResult] = OrderedDict()
        self._remember = remember

    def handle(self, raw: bytes) -> ControlResult:
        msg, problem = _decode(raw)
        if msg is None:
            return ControlResult("invalid", None, "rejected", problem)
        cid = str(msg.get("command_id", "invalid"))[:64]
        if cid in self._seen:  # QoS 1 redelivery: same answer, applied once
            return self._seen[cid]
        result = self._run(cid, msg)
        self._seen[cid] = result
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return result

    def _run(self, cid: str, msg: dict[str, Any]) -> ControlResult:
        errors = sorted(validator("control").iter_errors(msg), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "<root>"
            return ControlResult(
                cid, msg.get("command"), "rejected", f"{where}: {errors[0].message}"
            )
        if not str(msg["schema_version"]).startswith("1."):
            return ControlResult(cid, msg["command"], "rejected", "unsupported schema_version")
        if msg["command"] == "publish_status":
            return ControlResult(cid, "publish_status", "accepted")
        try:
            change, cfg = set_threshold(
                self.config_path,
                msg["camera"],
                msg["zone"],
                msg["key"],
                msg["value"],
                user=msg.get("user") or "remote",
                origin="remote",
            )
        except GridwatchError as err:
            return ControlResult(cid, "set_threshold", "rejected", str(err))
        if self.on_applied is not None:
            try:
                self.on_applied(cfg)
            except Exception as err:  # written to disk, but the live pipeline refused it
                log.exception("on_applied failed for command %s", cid)
                return ControlResult(
                    cid, "set_threshold", "rejected", f"written but not applied: {err}"
                )
        return ControlResult(cid, "set_threshold", "accepted", None, change.old, change.new)
