"""``collector serve``: the Open311 GeoReport v2 API over HTTP (uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from collector.api.app import PREFIX, ApiSettings, create_app
from collector.cli.common import DbOption, console, library_errors
from collector.store import DEFAULT_DB

__all__ = ["serve"]


def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8311,
    evidence_dir: Annotated[
        Path | None, typer.Option(help="Directory of evidence images served under media/.")
    ] = None,
    public_reads: Annotated[
        bool, typer.Option(help="Let GET requests in without an API key.")
    ] = False,
) -> None:
    """Serve the Open311 GeoReport v2 API (services, requests, POST with a write key)."""
    with library_errors():
        app = create_app(
            ApiSettings(str(db), str(evidence_dir) if evidence_dir else None, public_reads)
        )
    console.print(f"Open311 API at http://{host}:{port}{PREFIX}/ (OpenAPI: openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="info")
