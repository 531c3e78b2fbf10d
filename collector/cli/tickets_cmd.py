"""``collector tickets ...``: the duty chief's commands. Each opens the store, calls one library
function and prints a table (or ``--json``). Store, actor, role and time are group options:
``collector tickets --db var/collector.sqlite --actor wang.duty dispatch 7 --mode assign --unit
xitang-squad``."""

from __future__ import annotations

from dataclasses import dataclass
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
from collector.cli.ticket_views import history_table, ticket_json, ticket_panel, tickets_table
from collector.config.models import CenterConfig, Mode, Role
from collector.errors import GuardFailed
from collector.grid.store import load_center
from collector.store import DEFAULT_DB
from collector.tickets import (
    Action,
    ActionArgs,
    NewTicket,
    State,
    apply_action,
    get_ticket,
    list_tickets,
    receive,
)
from collector.tickets.escalation import escalate as run_escalation
from collector.tickets.routing import route

app = typer.Typer(
    help="Enforcement tickets: list, show and move them through the workflow.", no_args_is_help=True
)

UNIT_ACTIONS = {Action.ACCEPT, Action.RETURN, Action.REPORT, Action.REQUEST_EXTENSION}
CHECK_ACTIONS = {Action.VERIFY_PASS, Action.VERIFY_FAIL}


@dataclass(frozen=True)
class Who:
    db: Path
    actor: str
    role: Role | None
    at: str | None

    def args(self, action: Action | None, center: CenterConfig, **fields: object) -> ActionArgs:
        """The action's arguments; a configured member acts in their role and for their unit."""
        found = center.member(self.actor)
        if found and self.role and self.role is not found[1].role:
            raise GuardFailed(
                f"{self.actor} is {found[1].role.value} of {found[0].id}, not {self.role}"
            )
        role = self.role or (found[1].role if found else _default_role(action))
        if found and action in UNIT_ACTIONS and fields.get("unit") is None:
            fields["unit"] = found[0].id
        return ActionArgs(actor=self.actor, role=role, at=parse_at(self.at), **fields)  # type: ignore[arg-type]


def _default_role(action: Action | None) -> Role:
    if action in UNIT_ACTIONS:
        return Role.UNIT_HANDLER
    return Role.INSPECTOR if action in CHECK_ACTIONS else Role.DUTY_CHIEF


@app.callback()
def _group(
    ctx: typer.Context,
    db: DbOption = Path(DEFAULT_DB),
    actor: Annotated[
        str | None, typer.Option(help="Who acts (audit trail); default $GRIDWATCH_ACTOR.")
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option(help="Role of the actor (default: duty_chief; unit_handler for unit steps)."),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="When it happened, ISO 8601 with zone (default: now).")
    ] = None,
) -> None:
    """Enforcement tickets: list, show and move them through the workflow."""
    ctx.obj = Who(db, actor or default_actor(), role, at)


def _act(
    ctx: typer.Context, ticket_id: int, action: Action, as_json: bool, **fields: object
) -> None:
    who: Who = ctx.obj
    with library_errors():
        db = store(who.db)
        center = load_center(db)
        t = apply_action(db, ticket_id, action, who.args(action, center, **fields), center)
        if as_json:
            emit_json(ticket_json(db, t, center, t.updated_at))
            return
    console.print(f"ticket {t.id}: {action.value} -> [bold]{t.state.value}[/bold]")


MAX_ID = 2**63 - 1  # SQLite INTEGER
TicketId = Annotated[int, typer.Argument(help="Ticket id.", min=1, max=MAX_ID)]
Note = Annotated[str, typer.Option("--note", help="Note for the audit trail.")]


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
        emit_json([ticket_json(db, t, center, now, detail=False) for t in tickets])
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
        emit_json(ticket_json(db, t, center, now))
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
        db = store(who.db)
        center = load_center(db)
        if category not in {c.code for c in center.categories}:
            raise typer.BadParameter(f"unknown category {category!r}")
        if cell not in center.cells:
            raise typer.BadParameter(f"unknown grid cell {cell!r}")
        args = who.args(None, center)
        new_ticket = NewTicket(category, cell, title, args.at, source=source, urgent=urgent)
        t = receive(db, new_ticket, args.actor, args.role)
    console.print(f"ticket {t.id}: received")


@app.command()
def register(
    ctx: typer.Context, ticket_id: TicketId, note: Note = "", as_json: JsonOption = False
) -> None:
    """Register a received ticket as a case."""
    _act(ctx, ticket_id, Action.REGISTER, as_json, note=note)


@app.command()
def void(
    ctx: typer.Context, ticket_id: TicketId, note: Note = "", as_json: JsonOption = False
) -> None:
    """Void a ticket that is not a case (the note says why)."""
    _act(ctx, ticket_id, Action.VOID, as_json, note=note)


@app.command()
def duplicate(
    ctx: typer.Context,
    ticket_id: TicketId,
    of: Annotated[
        int, typer.Option("--of", help="The ticket this one duplicates.", min=1, max=MAX_ID)
    ],
    as_json: JsonOption = False,
) -> None:
    """Mark a ticket as a duplicate of another."""
    _act(ctx, ticket_id, Action.MARK_DUPLICATE, as_json, duplicate_of=of)


Units = Annotated[
    list[str] | None, typer.Option("--unit", help="Unit to dispatch to (repeat for several).")
]
ModeOpt = Annotated[Mode, typer.Option(help="direct (the center), assign (one unit), supervise.")]


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
    units = tuple(unit or ())
    if mode is None and not units:
        who: Who = ctx.obj
        with library_errors():
            db = store(who.db)
            t = get_ticket(db, ticket_id)
            proposal = route(load_center(db), t.grid_cell, t.category)
        mode, units = proposal.mode, proposal.units
    _act(ctx, ticket_id, Action.DISPATCH, as_json, mode=mode, units=units, note=note)


@app.command()
def redispatch(
    ctx: typer.Context,
    ticket_id: TicketId,
    mode: ModeOpt,
    unit: Units = None,
    note: Note = "",
    as_json: JsonOption = False,
) -> None:
    """Change the units or mode of a running ticket (the deadline keeps running)."""
    _act(ctx, ticket_id, Action.REDISPATCH, as_json, mode=mode, units=tuple(unit or ()), note=note)


UnitOpt = Annotated[str | None, typer.Option("--unit", help="The unit acting.")]


@app.command()
def accept(
    ctx: typer.Context, ticket_id: TicketId, unit: UnitOpt = None, as_json: JsonOption = False
) -> None:
    """A unit accepts a dispatched ticket."""
    _act(ctx, ticket_id, Action.ACCEPT, as_json, unit=unit)


@app.command("return")
def return_cmd(
    ctx: typer.Context,
    ticket_id: TicketId,
    reason: Annotated[str, typer.Option(help="Why (a return without reason is recorded).")] = "",
    unit: UnitOpt = None,
    as_json: JsonOption = False,
) -> None:
    """A unit returns a dispatched ticket to the center."""
    _act(ctx, ticket_id, Action.RETURN, as_json, note=reason, unit=unit)


@app.command()
def report(
    ctx: typer.Context,
    ticket_id: TicketId,
    note: Annotated[str, typer.Option("--note", help="What was done.")],
    photo: Annotated[str | None, typer.Option(help="Photo of the result (file or URL).")] = None,
    as_json: JsonOption = False,
) -> None:
    """A unit reports its result (stops the clock)."""
    _act(ctx, ticket_id, Action.REPORT, as_json, note=note, photo=photo)


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
    _act(ctx, ticket_id, action, as_json, note=note, falsified=falsified)


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
        _act(ctx, ticket_id, Action.REQUEST_EXTENSION, as_json, hours=hours, note=note)
    else:
        action = Action.APPROVE_EXTENSION if approve else Action.REJECT_EXTENSION
        _act(ctx, ticket_id, action, as_json, note=note)


@app.command()
def suspend(
    ctx: typer.Context, ticket_id: TicketId, note: Note = "", as_json: JsonOption = False
) -> None:
    """Suspend an accepted ticket (pauses its clock; the note says why)."""
    _act(ctx, ticket_id, Action.SUSPEND, as_json, note=note)


@app.command()
def resume(
    ctx: typer.Context, ticket_id: TicketId, note: Note = "", as_json: JsonOption = False
) -> None:
    """Resume a suspended ticket (its due time moves by the paused working time)."""
    _act(ctx, ticket_id, Action.RESUME, as_json, note=note)


@app.command()
def close(
    ctx: typer.Context, ticket_id: TicketId, note: Note = "", as_json: JsonOption = False
) -> None:
    """Close a verified ticket."""
    _act(ctx, ticket_id, Action.CLOSE, as_json, note=note)


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
