"""Every API error as a GeoReport error list: ``[{"code": 400, "description": "..."}]``."""

from __future__ import annotations

import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from collector.api.keys import ApiKeyMissing, ApiKeyRefused, ApiKeyScopeError
from collector.errors import (
    CollectorError,
    ConfigError,
    GridwatchError,
    GuardFailed,
    IllegalAction,
    NotPermitted,
    TicketNotFound,
)

__all__ = ["GeoReportError", "install_handlers", "geo_error"]


class GeoReportError(Exception):
    """Raise in a route to answer ``status`` with a GeoReport error list."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (ApiKeyMissing, 401),
    (ApiKeyRefused, 401),
    (ApiKeyScopeError, 403),
    (TicketNotFound, 404),
    (NotPermitted, 403),
    (IllegalAction, 409),
    (GuardFailed, 409),
    (ConfigError, 503),
    (CollectorError, 400),
    (GridwatchError, 400),
)
"""Library error → HTTP status (first match wins)."""


def geo_error(status: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": status, "description": description}], status_code=status)


def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else err.get("msg", "invalid"))
    return geo_error(400, "; ".join(parts) or "invalid request")


def _http(_: Request, exc: HTTPException) -> JSONResponse:
    return geo_error(exc.status_code, str(exc.detail))


def _geo(_: Request, exc: GeoReportError) -> JSONResponse:
    return geo_error(exc.status, exc.description)


def _library(_: Request, exc: GridwatchError) -> JSONResponse:
    status = next(code for kind, code in _STATUS if isinstance(exc, kind))
    return geo_error(status, str(exc))


def _store(_: Request, exc: sqlite3.OperationalError) -> JSONResponse:
    return geo_error(503, f"the store is busy or unavailable ({exc}); try again")


def install_handlers(app: FastAPI) -> None:
    """Answer validation, HTTP, GeoReport, library and store errors in the GeoReport format."""
    app.add_exception_handler(sqlite3.OperationalError, _store)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(GeoReportError, _geo)  # type: ignore[arg-type]
    app.add_exception_handler(GridwatchError, _library)  # type: ignore[arg-type]
