"""Our ticket states as GeoReport v2 statuses: ``open``/``closed`` plus an extended status.

GeoReport v2 knows only ``open`` and ``closed``. Integrators commonly read a finer status from an
extension (``extended_attributes.detailed_status``, as in the Chicago and SeeClickFix Open311
extensions); :data:`STATUS_MAP` is that mapping, one row per state of the ticket workflow, with the
sentence the API uses as a default ``status_notes``.

Example:
    >>> geo_status("accepted")
    GeoStatus(status='open', detailed='in_progress', note='The responsible unit is working on it.')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GeoStatus", "STATUS_MAP", "DETAILED_STATUSES", "geo_status", "states_for"]


@dataclass(frozen=True)
class GeoStatus:
    status: str
    detailed: str
    note: str


STATUS_MAP: dict[str, GeoStatus] = {
    "received": GeoStatus("open", "submitted", "Received; not yet registered by the center."),
    "registered": GeoStatus("open", "investigating", "Registered; the duty chief is triaging it."),
    "dispatched": GeoStatus("open", "assigned", "Dispatched to the responsible unit."),
    "accepted": GeoStatus("open", "in_progress", "The responsible unit is working on it."),
    "returned": GeoStatus("open", "investigating", "Returned by the unit; awaiting re-dispatch."),
    "extension_requested": GeoStatus("open", "in_progress", "The unit asked for more time."),
    "suspended": GeoStatus("open", "on_hold", "Suspended; the deadline clock is paused."),
    "reported": GeoStatus("open", "pending_verification", "Result reported; being verified."),
    "verified": GeoStatus("open", "resolved", "Result verified; about to be closed."),
    "closed": GeoStatus("closed", "closed", "Closed."),
    "void": GeoStatus("closed", "rejected", "Not a case for the center (void)."),
    "duplicate": GeoStatus("closed", "duplicate", "Duplicate of another request."),
}
"""Ticket state (:class:`collector.tickets.workflow.State`) → GeoReport status, extended status
and default note. A test checks that every state of the workflow has a row."""

DETAILED_STATUSES: tuple[str, ...] = tuple(dict.fromkeys(s.detailed for s in STATUS_MAP.values()))
"""Every extended status, in workflow order."""


def geo_status(state: str) -> GeoStatus:
    """The GeoReport status of ticket state ``state`` (a ``KeyError`` names unmapped states)."""
    try:
        return STATUS_MAP[state]
    except KeyError:
        raise KeyError(f"ticket state {state!r} has no GeoReport status mapping") from None


def states_for(status: str) -> list[str]:
    """Our states that map to ``status`` (``open``/``closed``) or to an extended status."""
    return [s for s, g in STATUS_MAP.items() if status in (g.status, g.detailed)]
