"""What the feed sends for one change: the change itself and the ticket as a GeoReport request.

``change`` is the audit row with its ``(ticket_id, version)`` key; ``request`` is the ticket as it
is when the batch is sent (its ``extended_attributes.version`` may be newer than the change when
the feed catches up after an outage — apply the change with the highest version last).

Example of one element of ``changes`` (abridged)::

    {"key": "42:3", "ticket_id": 42, "version": 3, "action": "dispatch",
     "from_state": "registered", "to_state": "dispatched", "status": "open",
     "detailed_status": "assigned", "actor": "chief-1", "role": "duty_chief",
     "at": "2026-07-01T02:00:00.000+00:00", "note": null, "audit_id": 117,
     "request": {"service_request_id": "42", "status": "open", ...}}
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from collector.config.models import CenterConfig
from collector.errors import ConfigError
from collector.grid.store import load_center
from collector.open311.georeport import to_request
from collector.open311.status_map import geo_status
from collector.open311.views import ticket_view
from collector.tickets.changes import Change
from collector.tickets.queries import ticket_row

__all__ = ["georeport_renderer"]


def _center(db: sqlite_utils.Database) -> CenterConfig | None:
    try:
        return load_center(db)
    except ConfigError:
        return None


def georeport_renderer(api_root: str) -> Callable[[sqlite_utils.Database, Change], dict]:
    """A feed renderer whose media URLs start at ``api_root`` (e.g. ``https://host/open311/v2``)."""

    def render(db: sqlite_utils.Database, change: Change) -> dict:
        status = geo_status(change.to_state)
        row = ticket_row(db, change.ticket_id)
        request = (
            to_request(_center(db), ticket_view(db, row), api_root) if row is not None else None
        )
        return change.to_dict() | {
            "status": status.status,
            "detailed_status": status.detailed,
            "request": request,
        }

    return render
