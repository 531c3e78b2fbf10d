"""``POST requests.json``: a report from a patrol or a citizen becomes a ticket.

The body is GeoReport's form (``application/x-www-form-urlencoded``) or the same fields as JSON;
any other or no ``Content-Type`` is a 415. A key in the query or the ``X-Api-Key`` header is checked
(write scope) before the body is read; the body is read only up to :data:`MAX_BODY_BYTES` (413
beyond), JSON nested deeper than :data:`MAX_DEPTH` is refused before it is parsed, and a key in the
body (GeoReport's form) is checked before the other fields. Text fields refuse control characters
(NUL and the like; tab and line breaks are allowed). Then the fields; the place is the grid cell containing
``lat``/``long`` or the cell code given as ``address_id``. The ticket is opened through the tickets
library (:func:`register_report`) by the member the key acts for, authorised like every other
actor (the member must exist, be enabled and have the right to receive cases; else 403 naming the
reason); the audit row names the member and, in its data, the key. What the reporter sent beyond
the ticket's columns is kept in ``api_submissions``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl

import sqlite_utils
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from collector.api.errors import GeoReportError
from collector.api.keys import ApiKey, check_key
from collector.config.models import CenterConfig
from collector.errors import NotPermitted
from collector.grid.store import cell_at, load_center
from collector.open311.views import SUBMISSION_FIELDS, record_submission
from collector.store import write_transaction
from collector.tickets.desk import Actor, CaseReport, intake_member, receive_case
from edge_agent.contract.errors import ContractError
from edge_agent.contract.strict import loads

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "ReportIn",
    "REQUEST_BODY",
    "read_body",
    "submit",
    "cell_at",
    "register_report",
]

_TEXT = 200
MAX_BODY_BYTES = 64 * 1024
"""Cap of a POSTed body: every field together is under 10 KB."""
MAX_DEPTH = 400
"""Deepest JSON nesting read (a report is one flat object; this only keeps the parser safe)."""
_FORM, _JSON = "application/x-www-form-urlencoded", "application/json"
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


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

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        if isinstance(value, str):
            bad = next((c for c in value if _is_control(c) and c not in _ALLOWED_CONTROLS), None)
            if bad is not None:
                raise ValueError(f"control character U+{ord(bad):04X} is not allowed in text")
        return value

    @model_validator(mode="after")
    def _located(self) -> ReportIn:
        if (self.lat is None) != (self.long is None):
            raise ValueError("give both lat and long, or neither")
        if self.lat is None and self.address_id is None:
            raise ValueError("a request needs lat/long or address_id (the 15-digit cell code)")
        return self


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Cs")


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
    if kind not in (_FORM, _JSON):
        given = f"content type {kind!r}" if kind else "no Content-Type"
        raise GeoReportError(415, f"{given}: send {_FORM} or {_JSON}")
    raw = await _read_capped(request)
    if kind == _JSON:
        data = _json_object(raw)
    else:
        try:
            data = dict(parse_qsl(raw.decode(), keep_blank_values=False))
        except UnicodeDecodeError:
            raise GeoReportError(400, "the form body is not UTF-8") from None
    return {k: v for k, v in data.items() if not str(k).startswith("attribute[")}


async def _read_capped(request: Request) -> bytes:
    """The body, or a 413 as soon as it is known to be over the cap (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise GeoReportError(413, f"the body of {declared} bytes is over {MAX_BODY_BYTES}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise GeoReportError(413, f"the body is over {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def _too_deep(raw: bytes) -> bool:
    """Nesting deeper than :data:`MAX_DEPTH`, counted outside strings, without parsing."""
    depth = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        depth += 1 if m.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _json_object(raw: bytes) -> dict:
    if _too_deep(raw):
        raise GeoReportError(400, f"the JSON body is nested deeper than {MAX_DEPTH} levels")
    try:
        data = loads(raw or b"null")
    except ContractError as err:
        raise GeoReportError(400, f"the body is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise GeoReportError(400, "the JSON body must be an object")
    return data


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
    db: sqlite_utils.Database, report: ReportIn, cell: str, key: ApiKey, at: datetime
) -> int:
    """Open the ticket as the key's member (tickets library) and keep the submission beside it,
    in one transaction."""
    center = load_center(db)
    if report.service_code not in {c.code for c in center.categories}:
        raise GeoReportError(400, f"service_code {report.service_code!r} is not a known service")
    if cell not in center.cells:
        raise GeoReportError(400, f"address_id {cell!r} is not a known grid cell")
    case = CaseReport(report.service_code, cell, _title(report, center), source=report.source)
    assert key.member is not None  # check_key refuses a write key without one
    with write_transaction(db):
        ticket = receive_case(db, Actor(key.member, None, at), case, via_key=key.id)
        fields = {f: getattr(report, f) for f in SUBMISSION_FIELDS}
        record_submission(db, ticket.id, key.id, fields, at)
    return ticket.id


def _member_of(db: sqlite_utils.Database, key: ApiKey) -> None:
    """403 naming the reason unless the key's member may file requests now."""
    assert key.member is not None
    try:
        intake_member(db, key.member)
    except NotPermitted as err:
        raise GeoReportError(
            403, f"API key {key.id} acts for {key.member}, who may not file requests: {err}"
        ) from None


def submit(db: sqlite_utils.Database, form: dict, key: str | None) -> dict:
    """Check the key, validate, locate, open the ticket; the GeoReport "created" answer."""
    api_key = check_key(db, key, "write")
    _member_of(db, api_key)
    report = _parse(form)
    cell = report.address_id
    if report.lat is not None and report.long is not None:
        cell = cell_at(db, report.long, report.lat)
        if cell is None:
            raise GeoReportError(400, f"lat {report.lat}, long {report.long} is in no grid cell")
    assert cell is not None  # the model requires lat/long or address_id
    ticket_id = register_report(db, report, cell, api_key, datetime.now(UTC))
    return {
        "service_request_id": str(ticket_id),
        "service_notice": "Registered with the enforcement center; follow it by its id.",
        "account_id": None,
    }
