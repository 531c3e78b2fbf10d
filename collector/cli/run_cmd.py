"""``collector run --config FILE``: ingest incidents from the broker until SIGINT/SIGTERM, and run
the timed jobs (escalation on the working calendar) on the ``scheduler`` schedule."""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path
from typing import Annotated

import typer

from collector.cli.common import err_console, library_errors
from collector.ingest.filing import default_filer
from collector.scheduler import Scheduler
from collector.transport.config import CollectorConfig, load_config
from collector.transport.service import IngestService

__all__ = ["run", "library_errors", "err_console"]


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="Collector YAML config.")],
    tickets: Annotated[
        bool, typer.Option("--tickets/--no-tickets", help="File new incidents as tickets.")
    ] = True,
    report_every: Annotated[
        float, typer.Option(help="Seconds between progress lines on stderr (0: none).")
    ] = 10.0,
    max_seconds: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds (default: run until a signal)."),
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve Prometheus /metrics on this port (0: any free one).", min=0),
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Address of /metrics.")] = "127.0.0.1",
) -> None:
    """Subscribe to every box's incidents, store each exactly once, dead-letter bad messages."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    with library_errors():
        cfg = load_config(config)
        service = IngestService(cfg, filer=default_filer() if tickets else None)
        endpoint = _serve_metrics(cfg.db, metrics_host, metrics_port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = _start(service, cfg)
    err_console.print(f"collector: {cfg.broker.url} -> {cfg.db}", highlight=False)
    started = last = time.monotonic()
    generation, shown_error = 0, None
    while not stop.wait(0.1):
        now = time.monotonic()
        if service.client.generation != generation:
            generation = service.client.generation
            err_console.print(f"connected ({generation})", highlight=False)
        if service.client.last_error != shown_error:
            shown_error = service.client.last_error
            if shown_error:
                err_console.print(shown_error, highlight=False)
        if max_seconds is not None and now - started >= max_seconds:
            break
        if report_every and now - last >= report_every:
            last = now
            s = service.stats
            err_console.print(
                f"stored {s.stored} dup {s.duplicates} dead {s.dead} "
                f"connected {service.client.connected}",
                highlight=False,
            )
    _stop(service, scheduler)
    if endpoint is not None:
        endpoint.shutdown()
        endpoint.server_close()


def _start(service: IngestService, cfg: CollectorConfig) -> Scheduler | None:
    """The ingest, then the timed jobs (escalation, device health) if the config wants them."""
    service.start()
    if not cfg.scheduler.enabled:
        return None
    scheduler = Scheduler(cfg.db, cfg.scheduler)
    scheduler.start()
    return scheduler


def _stop(service: IngestService, scheduler: Scheduler | None) -> None:
    """Scheduler first (it may be writing), then the ingest; one line says what was done."""
    if scheduler is not None:
        scheduler.stop()
    service.stop()
    s = service.stats
    steps = (
        ""
        if scheduler is None
        else "".join(f" {job} {n}" for job, n in sorted(scheduler.stats.steps.items()))
    )
    err_console.print(
        f"stopped: stored {s.stored} dup {s.duplicates} dead {s.dead}{steps}", highlight=False
    )


def _serve_metrics(db: str, host: str, port: int | None):
    """The store's metrics on ``http://host:port/metrics`` when a port is given."""
    from prometheus_client import start_http_server

    from collector.errors import CollectorError
    from collector.metrics import registry_for

    if port is None:
        return None
    try:
        server, _ = start_http_server(port, addr=host, registry=registry_for(db))
    except OSError as err:
        raise CollectorError(f"--metrics-port: cannot listen on {host}:{port}: {err}") from err
    err_console.print(f"metrics at http://{host}:{server.server_port}/metrics", highlight=False)
    return server
