"""``GET /metrics``: the collector's Prometheus metrics beside the API (read from the store).

``collector serve`` adds it to the API app (the metrics read rooms above the API's layer).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from collector.metrics.store import registry_for

__all__ = ["install_metrics", "metrics_router"]

metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format; open like the monitoring it feeds (bind the API to 127.0.0.1)."""
    registry = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def install_metrics(app: FastAPI) -> FastAPI:
    """Serve the store's metrics at ``/metrics`` of ``app`` (its settings name the store)."""
    app.state.metrics = registry_for(app.state.settings.db)
    app.include_router(metrics_router)
    return app
