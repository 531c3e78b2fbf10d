"""``collector accounts``: the console's log-in accounts (add, list, set a password, unlock).

The password is read from standard input (never from the command line, where ``ps`` shows it)::

    printf '%s\n' "$PASSWORD" | collector accounts add wang.duty --name "Wang Jun" \\
        --role duty_chief --unit xitang-center
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.accounts import create_account, list_accounts, set_password, update_account
from collector.cli.common import DbOption, JsonOption, console, emit_json, library_errors, store
from collector.config.models import Role
from collector.grid.store import load_center
from collector.store import DEFAULT_DB

__all__ = ["app"]

app = typer.Typer(
    help="Accounts of the web console: add, list, set a password, unlock.", no_args_is_help=True
)
AccountId = Annotated[str, typer.Argument(help="Account id (the actor in the audit trail).")]


def _password() -> str:
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        raise typer.BadParameter("give the password on standard input")
    return line


def _check_unit(db_path: Path, unit: str | None) -> None:
    if unit is not None and unit not in load_center(store(db_path)).unit_ids():
        raise typer.BadParameter(f"unknown unit {unit!r} (units.yaml)")


@app.command()
def add(
    account_id: AccountId,
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[Role, typer.Option(help="Role (not 'system').")],
    unit: Annotated[str | None, typer.Option(help="Unit id (required for unit_handler).")] = None,
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Add an account; the password is read from standard input."""
    with library_errors():
        _check_unit(db, unit)
        create_account(store(db), account_id, name, role, unit, _password(), datetime.now(UTC))
    console.print(f"account {account_id}: {role.value}{' of ' + unit if unit else ''}")


@app.command(name="list")
def list_(db: DbOption = Path(DEFAULT_DB), as_json: JsonOption = False) -> None:
    """List the accounts with role, unit and lock state."""
    with library_errors():
        accounts = list_accounts(store(db))
    if as_json:
        emit_json(
            [
                {
                    "id": a.id,
                    "name": a.name,
                    "role": a.role.value,
                    "unit": a.unit,
                    "locked_until": a.locked_until.isoformat() if a.locked_until else None,
                    "disabled": a.disabled,
                }
                for a in accounts
            ]
        )
        return
    table = Table("id", "name", "role", "unit", "locked until", "disabled")
    for a in accounts:
        locked = a.locked_until.isoformat() if a.locked_until else ""
        table.add_row(a.id, a.name, a.role.value, a.unit or "", locked, "yes" if a.disabled else "")
    console.print(table)


@app.command()
def password(account_id: AccountId, db: DbOption = Path(DEFAULT_DB)) -> None:
    """Set an account's password (read from standard input)."""
    with library_errors():
        set_password(store(db), account_id, _password())
    console.print(f"account {account_id}: password set")


@app.command()
def unlock(account_id: AccountId, db: DbOption = Path(DEFAULT_DB)) -> None:
    """Clear the lock-out after repeated wrong passwords."""
    with library_errors():
        update_account(store(db), account_id, unlock=True)
    console.print(f"account {account_id}: unlocked")
