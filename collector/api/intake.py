"""``POST requests.json``: a report from a patrol or a citizen becomes a ticket.

The body is GeoReport's form (``application/x-www-form-urlencoded``) or the same fields as JSON.
The key is checked first (write scope), then the fields; the place is the grid cell containing
``lat``/``long`` or the cell code given as ``address_id``. The ticket is opened through the tickets
library (:func:`register_report`); what the reporter sent beyond the ticket's columns is kept in
``api_submissions``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl

import sqlite_utils
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from collector.api.errors import GeoReportError
from collector.api.keys import check_key
from collector.config.models import CenterConfig, Role
from collector.grid.store import cell_at, load_center
from collector.open311.views import SUBMISSION_FIELDS, record_submission
from collector.store import write_transaction
from collector.tickets import NewTicket, receive

__all__ = ["ReportIn", "REQUEST_BODY", "read_body", "submit", "cell_at", "register_report"]

_TEXT = 200


class ReportIn(BaseModel):
    """The fields of a GeoReport v2 request, plus ``source`` (ours)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    service_code: str = Field(..., pattern=r"^\d{4}$", description="Category code.")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS84 latitude.")
    long: float | None = Field(None, ge=-180, le=180, description="WGS84 longitude.")
    address_string: str | None = Field(None, max_length=500, description="Place in words.")
    address_id: str | None = Field(None, pattern=r"^\d{15}$", description="Grid cell code.")
    description: str | None = Field(None, max_length=4000, description="What was seen.")
    media_url: str | None = Field(
        None, pattern=r"^https?://\S+$", max_length=2000, description="Photo URL."
    )
    email: str | None = Field(None, max_length=_TEXT, description="Reporter e-mail.")
    first_name: str | None = Field(None, max_length=_TEXT, description="Reporter first name.")
    last_name: str | None = Field(None, max_length=_TEXT, description="Reporter last name.")
    phone: str | None = Field(None, max_length=_TEXT, description="Reporter phone.")
    device_id: str | None = Field(None, max_length=_TEXT, description="Reporting device.")
    account_id: str | None = Field(None, max_length=_TEXT, description="Reporter account.")
    jurisdiction_id: str | None = Field(None, max_length=_TEXT, description="Ignored.")
    api_key: str | None = Field(None, max_length=_TEXT, description="API key (write scope).")
    source: Literal["citizen", "patrol"] = Field("citizen", description="Who reports.")

    @model_validator(mode="after")
    def _located(self) -> ReportIn:
        if (self.lat is None) != (self.long is None):
            raise ValueError("give both lat and long, or neither")
        if self.lat is None and self.address_id is None:
            raise ValueError("a request needs lat/long or address_id (the 15-digit cell code)")
        return self


def _form_schema() -> dict:
    schema = ReportIn.model_json_schema()
    for prop in schema["properties"].values():
        options = prop.pop("anyOf", None)
        if options:
            prop.update(next(o for o in options if o.get("type") != "null"))
        prop.pop("default", None)
    schema.pop("title", None)
    schema["anyOf"] = [{"required": ["lat", "long"]}, {"required": ["address_id"]}]
    return schema


REQUEST_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _form_schema()},
        "application/json": {"schema": _form_schema()},
    },
}
"""The OpenAPI request body of ``POST requests.json``."""


async def read_body(request: Request) -> dict[str, str]:
    """The POSTed fields as a dict (form or JSON); ``attribute[...]`` fields are dropped."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if kind == "application/json":
        try:
            data = json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise GeoReportError(400, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise GeoReportError(400, "the JSON body must be an object")
    elif kind in ("application/x-www-form-urlencoded", ""):
        try:
            data = dict(parse_qsl(raw.decode(), keep_blank_values=False))
        except UnicodeDecodeError:
            raise GeoReportError(400, "the form body is not UTF-8") from None
    else:
        raise GeoReportError(415, f"unsupported content type {kind!r}")
    return {k: v for k, v in data.items() if not str(k).startswith("attribute[")}


def _parse(form: dict) -> ReportIn:
    try:
        return ReportIn.model_validate(form)
    except ValidationError as err:
        parts = [
            f"{'.'.join(str(x) for x in e['loc']) or 'body'}: {e['msg']}" for e in err.errors()
        ]
        raise GeoReportError(400, "; ".join(parts)) from None


def _title(report: ReportIn, center: CenterConfig) -> str:
    first = (report.description or "").strip().splitlines()
    if first and first[0]:
        return first[0][:120]
    return f"{center.category(report.service_code).name} ({report.source} report)"


def register_report(
    db: sqlite_utils.Database, report: ReportIn, cell: str, key_id: str, at: datetime
) -> int:
    """Open the ticket (tickets library) and keep the submission beside it, in one transaction."""
    center = load_center(db)
    if report.service_code not in {c.code for c in center.categories}:
        raise GeoReportError(400, f"service_code {report.service_code!r} is not a known service")
    if cell not in center.cells:
        raise GeoReportError(400, f"address_id {cell!r} is not a known grid cell")
    new = NewTicket(report.service_code, cell, _title(report, center), at, source=report.source)
    with write_transaction(db):
        ticket = receive(db, new, f"api-key:{key_id}", Role.SYSTEM)
        fields = {f: getattr(report, f) for f in SUBMISSION_FIELDS}
        record_submission(db, ticket.id, key_id, fields, new.at)
    return ticket.id


def submit(db: sqlite_utils.Database, form: dict, key: str | None) -> dict:
    """Check the key, validate, locate, open the ticket; the GeoReport "created" answer."""
    api_key = check_key(db, key, "write")
    report = _parse(form)
    cell = report.address_id
    if report.lat is not None and report.long is not None:
        cell = cell_at(db, report.long, report.lat)
        if cell is None:
            raise GeoReportError(400, f"lat {report.lat}, long {report.long} is in no grid cell")
    assert cell is not None  # the model requires lat/long or address_id
    ticket_id = register_report(db, report, cell, api_key.id, datetime.now(UTC))
    return {
        "service_request_id": str(ticket_id),
        "service_notice": "Registered with the enforcement center; follow it by its id.",
        "account_id": None,
    }
