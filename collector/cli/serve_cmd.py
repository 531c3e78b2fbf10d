"""``collector serve``: the Open311 GeoReport v2 API and the staff's web console over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from collector.api.app import PREFIX, ApiSettings
from collector.cli.common import DbOption, console, library_errors
from collector.console import create_console_app
from collector.metrics import install_metrics
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
    upload_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where the console keeps uploaded photos (default: uploads/ by the store)."
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="The collector's YAML: the limits and box keys a dead-letter retry in the "
            "console validates with (without it the console cannot retry).",
        ),
    ] = None,
) -> None:
    """Serve the Open311 GeoReport v2 API (JSON and XML), /metrics and the web console
    (/console/, log in with an account made by 'collector accounts add')."""
    with library_errors():
        app = create_console_app(
            ApiSettings(
                str(db),
                str(evidence_dir) if evidence_dir else None,
                public_reads,
                str(upload_dir) if upload_dir else None,
                str(config) if config else None,
            )
        )
        install_metrics(app)  # GET /metrics: the store's figures for Prometheus
    console.print(f"Open311 API at http://{host}:{port}{PREFIX}/ (OpenAPI: openapi.json)")
    console.print(f"Console at http://{host}:{port}/console/")
    console.print(f"metrics at http://{host}:{port}/metrics")
    uvicorn.run(app, host=host, port=port, log_level="info")
