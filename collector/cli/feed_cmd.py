"""``collector feed``: deliver ticket changes to the central queue's webhook; show feed cursors."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.api.app import PREFIX
from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.feed.delivery import Backoff, FeedOptions, FeedWorker, feed_status
from collector.feed.payload import georeport_renderer
from collector.store import DEFAULT_DB

__all__ = ["app"]

app = typer.Typer(help="Outbound change feed to the central ticket queue.", no_args_is_help=True)


@app.command()
def run(
    url: Annotated[str, typer.Option(help="Webhook URL of the central queue (http/https).")],
    name: Annotated[str, typer.Option(help="Feed name (one cursor per name).")] = "central",
    batch: Annotated[int, typer.Option(help="Changes per POST.", min=1, max=1000)] = 50,
    until_idle: Annotated[
        bool, typer.Option(help="Exit once every change is delivered (else keep polling).")
    ] = False,
    max_attempts: Annotated[
        int | None,
        typer.Option(min=1, help="Give up a batch after this many attempts (default: never)."),
    ] = None,
    backoff_base: Annotated[float, typer.Option(min=0, help="First retry delay, seconds.")] = 1.0,
    backoff_max: Annotated[float, typer.Option(min=0, help="Longest retry delay, seconds.")] = 60.0,
    poll: Annotated[
        float, typer.Option(min=0.01, help="Seconds between looks for new changes.")
    ] = 2.0,
    secret: Annotated[
        str | None,
        typer.Option(envvar="GRIDWATCH_FEED_SECRET", help="HMAC secret to sign each body."),
    ] = None,
    api_root: Annotated[
        str, typer.Option(help="Public root of the Open311 API, for media URLs.")
    ] = PREFIX,
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """POST ticket changes in order, retrying with exponential backoff; at-least-once,
    receivers drop repeats by (ticket_id, version)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with library_errors():
        options = FeedOptions(
            url=url,
            name=name,
            batch=batch,
            backoff=Backoff(base_s=backoff_base, max_s=backoff_max),
            max_attempts=max_attempts,
            poll_s=poll,
            secret=secret,
        )
        worker = FeedWorker(store(db), options, render=georeport_renderer(api_root), stop=stop)
        result = worker.run(until_idle=until_idle)
        left = worker.pending()
    console.print(
        f"feed {name}: delivered {result.delivered} change(s) in {result.batches} POST(s), "
        f"{result.failures} failed attempt(s), {left} pending"
    )


@app.command()
def status(db: DbOption = Path(DEFAULT_DB), as_json: JsonOption = False) -> None:
    """Each feed's cursor: last delivered audit row, totals, last error, changes pending."""
    with library_errors():
        newest, rows = feed_status(store(db))
    if as_json:
        emit_json({"newest_audit_id": newest, "feeds": rows})
        return
    table = Table("feed", "url", "last id", "delivered", "pending", "failures", "last error")
    for r in rows:
        table.add_row(
            r["name"],
            r["url"],
            str(r["last_audit_id"]),
            str(r["delivered"]),
            str(r["pending"]),
            str(r["failures"]),
            r["last_error"] or "",
        )
    console.print(table)
