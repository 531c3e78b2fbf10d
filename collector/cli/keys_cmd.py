"""``collector keys``: API keys of the Open311 API (create, bind, list, revoke)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.api.keys import bind_key, create_key, list_keys, revoke_key
from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.store import DEFAULT_DB

__all__ = ["app"]

app = typer.Typer(
    help="API keys of the Open311 API: create, bind, list, revoke.", no_args_is_help=True
)


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@app.command()
def create(
    scope: Annotated[Scope, typer.Option(help="read: GET only; write: may also file requests.")],
    label: Annotated[str, typer.Option(help="Who holds the key (e.g. 'county queue').")] = "",
    member: Annotated[
        str | None,
        typer.Option(
            help="Write keys: the member the key acts for (an account or a units.yaml member "
            "with the right to receive cases); what it files is authorised in their role."
        ),
    ] = None,
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Create a key and print it once; only its salted hash is stored."""
    with library_errors():
        created = create_key(
            store(db, create=True), scope.value, label or scope.value, _now(), member
        )
    if as_json:
        emit_json(asdict(created.key) | {"key": created.secret})
        return
    acts = f", acts for {created.key.member}" if created.key.member else ""
    console.print(
        f"key {created.key.id} ({created.key.scope}{acts}): {created.secret}", highlight=False
    )
    console.print("Store it now: it cannot be shown again.")


@app.command(name="list")
def list_(db: DbOption = Path(DEFAULT_DB), as_json: JsonOption = False) -> None:
    """List keys (ids, labels, scopes; never the secrets)."""
    with library_errors():
        keys = list_keys(store(db))
    if as_json:
        emit_json([asdict(k) for k in keys])
        return
    table = Table("id", "label", "scope", "acts for", "created", "revoked", title="API keys")
    for k in keys:
        member = k.member or ("(none: bind it)" if k.scope == "write" else "")
        table.add_row(k.id, k.label, k.scope, member, k.created_at, k.revoked_at or "")
    console.print(table)


@app.command()
def bind(
    key_id: Annotated[str, typer.Argument(help="Key id (the 8 hex digits after 'gwk_').")],
    member: Annotated[str, typer.Option(help="The member the write key acts for from now on.")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Make a write key act for a member (keys made before write keys named one are refused
    until bound); the secret stays the same."""
    with library_errors():
        key = bind_key(store(db), key_id, member)
    console.print(f"key {key.id} acts for {key.member}")


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="Key id (the 8 hex digits after 'gwk_').")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Revoke a key: it is refused from now on."""
    with library_errors():
        key = revoke_key(store(db), key_id, _now())
    console.print(f"key {key.id} revoked at {key.revoked_at}")
