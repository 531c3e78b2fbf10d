"""The GeoReport v2 routes. Each route reads through :mod:`collector.api.queries` or files a
report through :mod:`collector.api.intake`; errors are raised and answered by
:mod:`collector.api.errors`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from collector.api import intake, queries
from collector.api.deps import Db, require
from collector.api.errors import GeoReportError
from collector.api.keys import check_key
from collector.api.models import (
    Discovery,
    GeoError,
    RequestCreated,
    Service,
    ServiceDefinition,
    ServiceRequest,
)
from collector.api.queries import MAX_LIMIT, RequestFilter, find_tickets
from collector.grid.store import load_center
from collector.open311.georeport import services, to_request
from collector.open311.status_map import DETAILED_STATUSES
from collector.open311.views import ticket_view
from collector.tickets.model import to_db_time
from collector.tickets.queries import ticket_row

__all__ = ["router", "PREFIX"]

PREFIX = "/open311/v2"

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": list[GeoError], "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "API key missing or refused"),
        (403, "API key scope too narrow"),
        (404, "Not found"),
        (413, "Body over 64 KiB"),
        (415, "Missing or unsupported Content-Type"),
        (503, "No grid map imported yet, or the store is busy"),
    )
}
_STATUSES = tuple(dict.fromkeys(("open", "closed", *DETAILED_STATUSES)))
_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$"


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())


def _utc(ts: datetime | None) -> str | None:
    """As the tickets store times (UTC, milliseconds), so text comparison is time comparison."""
    if ts is None:
        return None
    return to_db_time(ts if ts.tzinfo else ts.replace(tzinfo=UTC))


def _filter(
    service_request_id: str | None,
    service_code: str | None,
    status: str | None,
    dates: tuple[datetime | None, datetime | None],
    cell: str | None,
    unit: str | None,
) -> RequestFilter:
    ids = _split(service_request_id)
    if any(not i.isdigit() or len(i) > 18 for i in ids):
        raise GeoReportError(400, f"service_request_id must be ticket numbers; got {ids}")
    statuses = _split(status)
    bad = [s for s in statuses if s not in _STATUSES]
    if bad:
        raise GeoReportError(400, f"unknown status {bad}; use one of {', '.join(_STATUSES)}")
    return RequestFilter(
        ids=tuple(int(i) for i in ids),
        service_codes=_split(service_code),
        statuses=statuses,
        start=_utc(dates[0]),
        end=_utc(dates[1]),
        cell=cell,
        unit=unit,
    )


router = APIRouter(prefix=PREFIX, responses=_ERRORS)
_read = [Depends(require("read"))]


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


@router.get("/discovery.json", response_model=Discovery)
def discovery(request: Request) -> dict:
    """Where the endpoint is and which specification it implements."""
    endpoint = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": _root(request),
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return {
        "changeset": "2026-11-27T00:00:00Z",
        "contact": "the town's comprehensive enforcement center",
        "key_service": "ask the center for a key (collector keys create)",
        "endpoints": [endpoint],
    }


@router.get("/services.json", response_model=list[Service], dependencies=_read)
def list_services(db: Db) -> list[dict]:
    """Our ticket categories as services."""
    return services(load_center(db))


@router.get("/services/{service_code}.json", response_model=ServiceDefinition, dependencies=_read)
def service_definition(
    db: Db, service_code: Annotated[str, PathParam(description="Category code.")]
) -> dict:
    """A service definition; our services have no extra attributes."""
    if service_code not in {c.code for c in load_center(db).categories}:
        raise GeoReportError(404, f"no service with code {service_code!r}")
    return {"service_code": service_code, "attributes": []}


_ANY_STATUS = "|".join(_STATUSES)
Ids = Annotated[
    str | None,
    Query(pattern=r"^\d{1,18}(,\d{1,18})*$", description="Ticket ids, comma-separated."),
]
Codes = Annotated[
    str | None,
    Query(pattern=r"^\d{4}(,\d{4})*$", description="Category codes, comma-separated."),
]
Statuses = Annotated[
    str | None,
    Query(
        pattern=rf"^({_ANY_STATUS})(,({_ANY_STATUS}))*$",
        description=f"Comma-separated: {', '.join(_STATUSES)}.",
    ),
]
When = Annotated[datetime | None, Query(description="ISO 8601; compared with received time.")]
Cell = Annotated[
    str | None, Query(pattern=r"^\d{6}(\d{3}){0,3}$", description="Cell code or code prefix.")
]
Unit = Annotated[str | None, Query(max_length=64, description="Responsible unit id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Most requests to return.")]


@router.get("/requests.json", response_model=list[ServiceRequest], dependencies=_read)
def list_requests(
    request: Request,
    db: Db,
    service_request_id: Ids = None,
    service_code: Codes = None,
    status: Statuses = None,
    start_date: When = None,
    end_date: When = None,
    cell: Cell = None,
    unit: Unit = None,
    limit: Limit = MAX_LIMIT,
) -> list[dict]:
    """Service requests, newest first, filtered."""
    f = _filter(service_request_id, service_code, status, (start_date, end_date), cell, unit)
    f = replace(f, limit=limit)
    center = load_center(db)
    return [to_request(center, ticket_view(db, r), _root(request)) for r in find_tickets(db, f)]


@router.get(
    "/requests/{service_request_id}.json",
    response_model=list[ServiceRequest],
    dependencies=_read,
)
def get_request(
    request: Request,
    db: Db,
    service_request_id: Annotated[int, PathParam(ge=1, le=2**62, description="Ticket id.")],
) -> list[dict]:
    """One service request (a list of one, as GeoReport answers)."""
    row = ticket_row(db, service_request_id)
    if row is None:
        raise GeoReportError(404, f"no service request with id {service_request_id}")
    return [to_request(load_center(db), ticket_view(db, row), _root(request))]


@router.post(
    "/requests.json",
    response_model=list[RequestCreated],
    status_code=201,
    openapi_extra={"requestBody": intake.REQUEST_BODY},
)
async def post_request(request: Request, db: Db) -> list[dict]:
    """File a report (patrol or citizen) as a ticket; needs a write key."""
    key = request.query_params.get("api_key") or request.headers.get("x-api-key")
    if key:  # before a byte of the body is read
        await run_in_threadpool(check_key, db, key, "write")
    form = await intake.read_body(request)
    created = await run_in_threadpool(intake.submit, db, form, key or form.get("api_key"))
    return [created]


@router.get(
    "/media/{name}",
    dependencies=_read,
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The file."}},
)
def get_media(
    request: Request,
    db: Db,
    name: Annotated[str, PathParam(pattern=_NAME, description="File name.")],
) -> Response:
    """An evidence image: as received by the ingest (stored in the collector's store), else from
    the evidence directory given to ``collector serve`` (read-only)."""
    stored = queries.stored_evidence(db, name)
    if stored is not None:
        return Response(content=stored[1], media_type=stored[0])
    folder = request.app.state.settings.evidence_dir
    return FileResponse(_media_path(Path(folder) if folder else None, name))


def _media_path(folder: Path | None, name: str) -> Path:
    if folder is None:
        raise GeoReportError(404, f"no evidence file {name!r}")
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root or not path.is_file():
        raise GeoReportError(404, f"no evidence file {name!r}")
    return path
