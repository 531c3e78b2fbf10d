"""The Open311 GeoReport v2 API of the collector (FastAPI), mounted under :data:`PREFIX`.

Routes (:mod:`collector.api.routes`): ``GET discovery.json``, ``GET services.json``,
``GET services/{code}.json``, ``GET requests.json`` (filters), ``GET requests/{id}.json``,
``POST requests.json`` (needs a write key), ``GET media/{name}`` (evidence images, read-only).
Each ``.json`` call also answers as ``.xml`` (:mod:`collector.api.xml`); ``collector serve`` adds
``GET /metrics`` (:mod:`collector.metrics.route`).
Keys go in the ``api_key`` parameter (GeoReport) or the ``X-Api-Key`` header; with
``public_reads`` the GET routes need no key. The OpenAPI document is ``openapi.json`` (no Swagger
page: it would load from a CDN). ``collector serve`` adds the staff's console under ``/console/``
(:func:`collector.console.create_console_app`).

Example:
    >>> import tempfile, os
    >>> app = create_app(ApiSettings(db=os.path.join(tempfile.mkdtemp(), "c.sqlite")))
    >>> app.openapi()["info"]["title"]
    'gridwatch Open311 GeoReport v2'
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from collector.api.errors import install_handlers
from collector.api.routes import PREFIX, router
from collector.api.xml import XmlFormat
from collector.store import open_store

__all__ = ["ApiSettings", "create_app", "PREFIX"]


@dataclass(frozen=True)
class ApiSettings:
    """Where the API reads: the store file, the evidence directory, whether reads need a key."""

    db: str
    evidence_dir: str | None = None
    public_reads: bool = False
    upload_dir: str | None = None  # console photo uploads; default: "uploads" beside the store
    config: str | None = None  # the collector's YAML: limits and box keys a dead-letter retry uses


def create_app(settings: ApiSettings) -> FastAPI:
    """Build the app; the store is migrated now, each request opens its own connection."""
    open_store(settings.db).close()
    app = FastAPI(
        title="gridwatch Open311 GeoReport v2",
        version="2.0",
        description=(
            "Enforcement tickets of a town center as GeoReport v2 service requests "
            "(see docs/OPEN311.md). Errors are GeoReport error lists."
        ),
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI loads from a CDN; the center's network may be closed
        redoc_url=None,
    )
    app.state.settings = settings
    install_handlers(app)
    app.include_router(router)
    app.add_middleware(XmlFormat, prefix=PREFIX)  # every .json call also as .xml (GeoReport)
    return app
