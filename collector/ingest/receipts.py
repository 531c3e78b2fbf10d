"""Receipts: after each commit the collector tells every box what it now holds from it.

A box deletes an outbox entry only on a receipt, not on the broker's PUBACK (a PUBACK only says
the broker has the message in memory; a broker killed before it saved loses it). The receipt goes
to the box's own topic, ``gridwatch/v1/<site>/<box>/receipt``, whichever collector of a shared
group stored the message. A ref is an incident's ``event_id`` or ``<event_id>/<name>`` of an
evidence image; duplicates are receipted again, so a box's resend always clears.

Example:
    >>> refs = [Ref("xitang", "b1", "01J0000000000000000000000A")]
    >>> [t for t, _ in receipt_messages(refs, "2015-05-01T10:00:00.000+00:00")]
    ['gridwatch/v1/xitang/b1/receipt']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from edge_agent.contract import SCHEMA_VERSION
from edge_agent.contract.errors import ContractError
from edge_agent.contract.topics import parse_topic, receipt_topic

__all__ = ["Ref", "MAX_REFS", "ref_of_refused", "receipt_messages"]

MAX_REFS = 500
"""Refs per receipt message (the schema allows 1,000; 500 ULIDs are ~14 KB)."""

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_NO_RECEIPT = {"evidence_orphan", "internal"}
"""Refusals a resend can cure: evidence that came before its incident (the box sends it again
after the incident was stored), and a collector bug (the box sends it again after the fix)."""


@dataclass(frozen=True)
class Ref:
    """One message to confirm to its box; ``refused`` is the dead-letter reason, if it is one."""

    site: str
    box: str
    ref: str
    refused: str | None = None


def ref_of_refused(topic: str, raw: bytes, reason: str) -> Ref | None:
    """The receipt of a dead-lettered incident or image, when one can be told to its box."""
    if reason in _NO_RECEIPT:
        return None
    try:
        parts = parse_topic(topic)
    except ContractError:
        return None
    if parts.kind == "evidence":
        return Ref(parts.site, parts.box, f"{parts.event_id}/{parts.name}", reason)
    if parts.kind != "incident":
        return None
    try:  # leniently: a payload refused for a NaN still names its event, and the box must know
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    event_id = payload.get("event_id") if isinstance(payload, dict) else None
    if not isinstance(event_id, str) or not _ID.match(event_id):
        return None
    return Ref(parts.site, parts.box, event_id, reason)


def receipt_messages(refs: Iterable[Ref], at: str) -> list[tuple[str, bytes]]:
    """``(topic, payload)`` receipts for ``refs``: one per box, split every :data:`MAX_REFS`."""
    by_box: dict[tuple[str, str], list[Ref]] = {}
    for r in refs:
        by_box.setdefault((r.site, r.box), []).append(r)
    out: list[tuple[str, bytes]] = []
    for (site, box), items in by_box.items():
        for i in range(0, len(items), MAX_REFS):
            chunk = items[i : i + MAX_REFS]
            body: dict[str, object] = {
                "schema_version": SCHEMA_VERSION,
                "site": site,
                "box": box,
                "at": at,
                "stored": [r.ref for r in chunk if r.refused is None],
            }
            refused = [{"ref": r.ref, "reason": r.refused} for r in chunk if r.refused]
            if refused:
                body["refused"] = refused
            out.append((receipt_topic(site, box), json.dumps(body, separators=(",", ":")).encode()))
    return out
