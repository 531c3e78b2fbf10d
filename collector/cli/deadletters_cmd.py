"""``collector dead-letters list|show|retry|drop``: review the messages the ingest refused.

The store comes from ``--config`` (the collector's YAML, which also gives the limits and box keys a
retry validates with) or ``--db``. Retry and drop are audited (``--actor``, ``--note``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import sqlite_utils
import typer
from rich.table import Table

from collector.cli.common import (
    JsonOption,
    console,
    default_actor,
    emit_json,
    library_errors,
    require_actor,
)
from collector.cli.group_options import HoistingGroup
from collector.deadletters import (
    DeadLetterError,
    Reviewer,
    drop,
    get_dead_letter,
    list_dead_letters,
    retry,
    review_trail,
)
from collector.deadletters.review import preview
from collector.ingest.filing import default_filer, file_pending
from collector.store import DEFAULT_DB, open_store
from collector.transport.config import CollectorConfig, load_config
from collector.transport.service import ingest_limits

app = typer.Typer(
    cls=HoistingGroup,  # --config, --db, --actor also after the command's name
    help="Dead letters: list, show, retry after a fix (same validation as ingest), drop.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class Where:
    config: Path | None
    db: Path | None
    actor: str | None

    def collector(self) -> CollectorConfig:
        if self.config is None:
            raise DeadLetterError(
                "retry needs --config (the collector YAML: limits and box keys to validate with)"
            )
        return load_config(self.config)

    def store(self) -> sqlite_utils.Database:
        if self.db is not None:
            return open_store(self.db)
        return open_store(self.collector().db if self.config else DEFAULT_DB)

    def reviewer(self, note: str) -> Reviewer:
        return Reviewer(
            require_actor(self.actor), datetime.now(UTC).isoformat(timespec="milliseconds"), note
        )


@app.callback()
def _group(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Collector YAML (store, limits, keys).")
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", envvar="GRIDWATCH_DB", help="Store, if not the config's."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who reviews (default $GRIDWATCH_ACTOR).")
    ] = None,
) -> None:
    """Dead letters of the collector's store."""
    ctx.obj = Where(config, db, actor or default_actor())


@app.command(name="list")
def list_cmd(
    ctx: typer.Context,
    reason: Annotated[
        str | None, typer.Option(help="Only this reason (schema, signature...).")
    ] = None,
    box: Annotated[str | None, typer.Option(help="Only this box (site/box or box id).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Dead letters, newest first: time, reason, box, topic, size."""
    with library_errors():
        letters = list_dead_letters(ctx.obj.store(), reason, box, limit)
    if as_json:
        emit_json([d.to_json() for d in letters])
        return
    table = Table("id", "received", "reason", "box", "topic", "bytes", "detail")
    for d in letters:
        size = f"{d.size}" if d.complete else f"{len(d.raw)}/{d.size}"
        row = [str(d.id), d.received_at[:19], d.reason, d.box or "-", d.topic, size]
        table.add_row(*row, (d.detail or "")[:60])
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    dead_letter_id: Annotated[int, typer.Argument(help="Dead letter id.")],
    chars: Annotated[
        int, typer.Option(min=0, help="Show this many characters of the bytes.")
    ] = 2000,
    as_json: JsonOption = False,
) -> None:
    """One dead letter: reason, detail, topic, box, time, the kept bytes and its review trail."""
    with library_errors():
        db = ctx.obj.store()
        d = get_dead_letter(db, dead_letter_id)
        trail = review_trail(db, d.id)
    if as_json:
        emit_json(d.to_json(raw_chars=chars) | {"reviews": trail})
        return
    for key, value in d.to_json().items():
        console.print(f"[bold]{key}[/bold]: {value}", highlight=False, soft_wrap=True)
    console.print(preview(d.raw, chars), markup=False, highlight=False, soft_wrap=True)
    for r in trail:
        console.print(f"{r['at']} {r['actor']} {r['action']}: {r['outcome']} {r['note'] or ''}")


@app.command(name="retry")
def retry_cmd(
    ctx: typer.Context,
    dead_letter_ids: Annotated[list[int], typer.Argument(help="Dead letter ids.")],
    note: Annotated[str, typer.Option(help="What was fixed (kept in the review trail).")] = "",
    file: Annotated[
        bool, typer.Option("--file/--no-file", help="File stored incidents as tickets now.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Validate again with the config's current limits and keys; stored ones leave the list."""
    with library_errors():
        where: Where = ctx.obj
        limits = ingest_limits(where.collector())
        db = where.store()
        who = where.reviewer(note)
        outcomes = [retry(db, i, limits, who) for i in dead_letter_ids]
        if file and any(o.outcome == "stored" for o in outcomes):
            file_pending(db, default_filer())
    if as_json:
        emit_json([o.__dict__ for o in outcomes])
        return
    for o in outcomes:
        why = f" ({o.reason}: {o.detail})" if o.reason else ""
        console.print(f"dead letter {o.dead_letter_id}: {o.outcome}{why}", highlight=False)
    if any(o.outcome == "refused" for o in outcomes):
        raise typer.Exit(1)


@app.command(name="drop")
def drop_cmd(
    ctx: typer.Context,
    dead_letter_ids: Annotated[list[int], typer.Argument(help="Dead letter ids.")],
    note: Annotated[str, typer.Option(help="Why it is dropped (required, audited).")] = "",
) -> None:
    """Delete for good; the review trail keeps topic, reason, hash, who, when and why."""
    with library_errors():
        db = ctx.obj.store()
        who = ctx.obj.reviewer(note)
        for i in dead_letter_ids:
            drop(db, i, who)
            console.print(f"dead letter {i}: dropped", highlight=False)
