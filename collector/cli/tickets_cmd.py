"""``collector tickets ...``: the duty chief's commands. Each opens the store, calls one library
function and prints a table (or ``--json``). Store, actor, role and time are group options:
``collector tickets --db var/collector.sqlite --actor wang.duty dispatch 7 --mode assign --unit
xitang-squad``.

The workflow steps that differ only in their options are one table
(:data:`collector.cli.ticket_steps.STEPS`); who may do what is the tickets library's business
(:mod:`collector.tickets.desk`), not this module's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from collector.cli.common import (
    DbOption,
    JsonOption,
    console,
    default_actor,
    emit_json,
    library_errors,
    parse_at,
    store,
)
from collector.cli.group_options import HoistingGroup
from collector.cli.ticket_steps import (
    Note,
    TicketId,
    Units,
    Who,
    act_and_print,
    register_steps,
)
from collector.cli.ticket_views import history_table, ticket_panel, tickets_table
from collector.config.models import Mode, Role
from collector.grid.store import load_center
from collector.store import DEFAULT_DB
from collector.tickets import Action, State, get_ticket, list_tickets
from collector.tickets.desk import CaseReport, receive_case
from collector.tickets.detail import ticket_document
from collector.tickets.escalation import escalate as run_escalation

app = typer.Typer(
    cls=HoistingGroup,  # --db, --actor, --role, --at also after the command's name
    help="Enforcement tickets: list, show and move them through the workflow.",
    no_args_is_help=True,
)


@app.callback()
def _group(
    ctx: typer.Context,
    db: DbOption = Path(DEFAULT_DB),
    actor: Annotated[
        str | None,
        typer.Option(help="Who acts: an existing member (audit trail); default $GRIDWATCH_ACTOR."),
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option(help="Role of the actor; refused unless it is the member's own."),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="When it happened, ISO 8601 with zone (default: now).")
    ] = None,
) -> None:
    """Enforcement tickets: list, show and move them through the workflow."""
    ctx.obj = Who(db, actor or default_actor(), role, at)


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    state: Annotated[State | None, typer.Option(help="Only tickets in this state.")] = None,
    unit: Annotated[str | None, typer.Option(help="Only tickets dispatched to this unit.")] = None,
    cell: Annotated[str | None, typer.Option(help="Cell code or code prefix.")] = None,
    category: Annotated[str | None, typer.Option(help="Category code.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List tickets, newest first, with their SLA light."""
    who: Who = ctx.obj
    with library_errors():
        db = store(who.db)
        center = load_center(db)
        tickets = list_tickets(
            db, state=state.value if state else None, unit=unit, cell=cell, category=category
        )
    now = parse_at(who.at)
    if as_json:
        emit_json([ticket_document(db, t, center, now, detail=False) for t in tickets])
    else:
        console.print(tickets_table(tickets, center, now))


@app.command()
def show(ctx: typer.Context, ticket_id: TicketId, as_json: JsonOption = False) -> None:
    """Show one ticket: fields, SLA light, units, incident timeline and audit history."""
    who: Who = ctx.obj
    with library_errors():
        db = store(who.db)
        center = load_center(db)
        t = get_ticket(db, ticket_id)
    now = parse_at(who.at)
    if as_json:
        emit_json(ticket_document(db, t, center, now))
        return
    console.print(ticket_panel(db, t, center, now))
    console.print(history_table(db, t.id))


@app.command()
def new(
    ctx: typer.Context,
    category: Annotated[str, typer.Option(help="Category code, e.g. 0101.")],
    cell: Annotated[str, typer.Option(help="Grid cell code (15 digits).")],
    title: Annotated[str, typer.Option(help="What was reported.")],
    source: Annotated[str, typer.Option(help="patrol, citizen, hotline...")] = "manual",
    urgent: Annotated[bool, typer.Option("--urgent", help="Use the urgent time limit.")] = False,
) -> None:
    """Receive a case reported by a patrol, a citizen or the hotline."""
    who: Who = ctx.obj
    with library_errors():
        case = CaseReport(category, cell, title, source=source, urgent=urgent)
        t = receive_case(store(who.db), who.actor_now(), case)
    console.print(f"ticket {t.id}: received")


register_steps(app)  # after list, show and new: the steps follow in the help in workflow order


@app.command()
def dispatch(
    ctx: typer.Context,
    ticket_id: TicketId,
    mode: Annotated[
        Mode | None,
        typer.Option(help="direct (the center), assign (one unit), supervise (default: routed)."),
    ] = None,
    unit: Units = None,
    note: Note = "",
    as_json: JsonOption = False,
) -> None:
    """Dispatch a registered (or returned) ticket with a due time from the category's limit.
    Without --mode and --unit, the routing proposal (cell, routing rules, category) is used."""
    act_and_print(
        ctx, ticket_id, Action.DISPATCH, as_json, mode=mode, units=tuple(unit or ()), note=note
    )


@app.command()
def verify(
    ctx: typer.Context,
    ticket_id: TicketId,
    passed: Annotated[bool, typer.Option("--pass/--fail", help="Result checked and true, or not.")],
    falsified: Annotated[
        bool, typer.Option("--falsified", help="The result report was untrue.")
    ] = False,
    note: Note = "",
    as_json: JsonOption = False,
) -> None:
    """Verify a reported result; --fail sends it back for rework."""
    action = Action.VERIFY_PASS if passed else Action.VERIFY_FAIL
    act_and_print(ctx, ticket_id, action, as_json, note=note, falsified=falsified)


@app.command()
def extend(
    ctx: typer.Context,
    ticket_id: TicketId,
    hours: Annotated[
        float | None, typer.Option(help="Request this many working hours more.")
    ] = None,
    approve: Annotated[
        bool | None, typer.Option("--approve/--reject", help="Decide a pending request.")
    ] = None,
    note: Note = "",
    as_json: JsonOption = False,
) -> None:
    """Request an extension (--hours, by the unit) or decide one (--approve/--reject)."""
    if (hours is None) == (approve is None):
        raise typer.BadParameter("give either --hours (request) or --approve/--reject (decide)")
    if hours is not None:
        act_and_print(ctx, ticket_id, Action.REQUEST_EXTENSION, as_json, hours=hours, note=note)
    else:
        action = Action.APPROVE_EXTENSION if approve else Action.REJECT_EXTENSION
        act_and_print(ctx, ticket_id, action, as_json, note=note)


@app.command()
def escalate(
    ctx: typer.Context,
    now: Annotated[str | None, typer.Option(help="Run as of this time (default: now).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the escalation scheduler once: reminders, supervision, discipline notices."""
    who: Who = ctx.obj
    with library_errors():
        db = store(who.db)
        notices = run_escalation(db, parse_at(now or who.at), load_center(db))
    if as_json:
        emit_json([n.to_json() for n in notices])
        return
    table = Table(
        "ticket", "kind", "recipient", "unit", "reason", title=f"{len(notices)} new notice(s)"
    )
    for n in notices:
        table.add_row(str(n.ticket_id), n.kind, n.recipient, n.unit or "", n.reason)
    console.print(table)
