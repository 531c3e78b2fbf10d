"""Tickets as GeoReport v2 service requests and categories as services (pure functions).

:func:`to_request` turns one ticket row (the ``tickets`` table, plus the few things read beside it:
active units, version, last note, evidence, the API submission) into the GeoReport shape:

- ``agency_responsible``: the names of the units the ticket is dispatched to;
- ``expected_datetime``: the ticket's deadline (``due_at``);
- ``media_url``: the first evidence image of the ticket, served by the API's media route (or the
  URL a reporter gave with the request);
- ``lat``/``long``: where the reporter said, else the camera's location from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from collector.config.models import CenterConfig
from collector.open311.status_map import geo_status

__all__ = ["TicketView", "services", "to_request"]


@dataclass(frozen=True)
class TicketView:
    """A ticket row and what the API reads beside it."""

    row: dict
    units: list[str] = field(default_factory=list)
    version: int = 0
    last_note: str | None = None
    evidence: str | None = None
    submission: dict | None = None


def services(center: CenterConfig) -> list[dict]:
    """Our categories as GeoReport services, in code order."""
    out = []
    for cat in sorted(center.categories, key=lambda c: c.code):
        limit = cat.time_limit
        out.append(
            {
                "service_code": cat.code,
                "service_name": cat.name,
                "description": f"{cat.name}; handled within {_limit(limit.days, limit.hours)}.",
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(cat.incident_kinds),
                "group": "national" if cat.code.startswith("01") else "local",
            }
        )
    return out


def _limit(days: float, hours: float) -> str:
    parts = [f"{days:g} working day(s)" if days else "", f"{hours:g} hour(s)" if hours else ""]
    return " and ".join(p for p in parts if p)


def _names(center: CenterConfig | None, unit_ids: list[str]) -> str | None:
    if not unit_ids:
        return None
    names = {u.id: u.name for u in center.units} if center else {}
    return ", ".join(names.get(u, u) for u in unit_ids)


def _location(center: CenterConfig | None, view: TicketView) -> tuple[float | None, float | None]:
    sub = view.submission or {}
    if sub.get("lat") is not None and sub.get("long") is not None:
        return sub["lat"], sub["long"]
    camera = view.row.get("camera")
    for cam in center.cameras if center and camera else []:
        if cam.id == camera:
            return cam.location[1], cam.location[0]
    return None, None


def _address(center: CenterConfig | None, view: TicketView) -> str | None:
    sub = view.submission or {}
    cell = center.cells.get(view.row["grid_cell"]) if center else None
    parts = [cell.name if cell else None, view.row.get("zone"), sub.get("address_string")]
    return ", ".join(p for p in parts if p) or None


def _media(base_url: str, view: TicketView) -> str | None:
    if view.evidence:
        return f"{base_url}/media/{quote(view.evidence)}"
    return (view.submission or {}).get("media_url")


def to_request(center: CenterConfig | None, view: TicketView, base_url: str) -> dict:
    """The GeoReport service request of one ticket; ``base_url`` is the API root for media."""
    row = view.row
    status = geo_status(row["state"])
    cats = center.categories if center else []
    cat = next((c for c in cats if c.code == row["category"]), None)
    lat, long = _location(center, view)
    dup = row.get("duplicate_of")
    return {
        "service_request_id": str(row["id"]),
        "status": status.status,
        "status_notes": view.last_note or status.note,
        "service_name": cat.name if cat else row["category"],
        "service_code": row["category"],
        "description": (view.submission or {}).get("description") or row["title"],
        "agency_responsible": _names(center, view.units),
        "service_notice": _notice(cat, bool(row.get("urgent"))),
        "requested_datetime": row["received_at"],
        "updated_datetime": row["updated_at"],
        "expected_datetime": row.get("due_at"),
        "address": _address(center, view),
        "address_id": row["grid_cell"],
        "zipcode": None,
        "lat": lat,
        "long": long,
        "media_url": _media(base_url, view),
        "extended_attributes": {
            "detailed_status": status.detailed,
            "state": row["state"],
            "version": view.version,
            "cell": row["grid_cell"],
            "units": list(view.units),
            "priority": int(row.get("priority") or 0),
            "urgent": bool(row.get("urgent")),
            "source": row["source"],
            "duplicate_of": str(dup) if dup is not None else None,
        },
    }


def _notice(cat: object, urgent: bool) -> str | None:
    if cat is None:
        return None
    limit = cat.urgent_limit if urgent else cat.time_limit  # type: ignore[attr-defined]
    return f"To be handled within {_limit(limit.days, limit.hours)} of dispatch."
