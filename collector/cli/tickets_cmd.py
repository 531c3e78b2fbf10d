"""``collector tickets ...``: the duty chief's commands. Each opens the store, calls one library
function and prints a table (or ``--json``). Store, actor, role and time are group options:
``collector tickets --db var/collector.sqlite --actor wang.duty dispatch 7 --mode assign --unit
xitang-squad``.

The workflow steps that differ only in their options are one table (:data:`STEPS`), registered by
:func:`_register_steps`; who may do what is the tickets library's business
(:mod:`collector.tickets.desk`), not this module's."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

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
from collector.cli.ticket_views import history_table, ticket_panel, tickets_table
from collector.config.models import Mode, Role
from collector.grid.store import load_center
from collector.store import DEFAULT_DB
from collector.tickets import Action, State, get_ticket, list_tickets
from collector.tickets.desk import Actor, CaseReport, act, receive_case
from collector.tickets.detail import ticket_document
from collector.tickets.escalation import escalate as run_escalation

app = typer.Typer(
    help="Enforcement tickets: list, show and move them through the workflow.", no_args_is_help=True
)


@dataclass(frozen=True)
class Who:
    """The group options: the store, who acts, the role they claim, when (text as given)."""

    db: Path
    actor: str
    role: Role | None
    at: str | None

    def actor_now(self) -> Actor:
        return Actor(self.actor, self.role, parse_at(self.at))


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
        t = act(db, ticket_id, action, who.actor_now(), **fields)
        if as_json:
            emit_json(ticket_document(db, t, load_center(db), t.updated_at))
            return
    console.print(f"ticket {t.id}: {action.value} -> [bold]{t.state.value}[/bold]")


MAX_ID = 2**63 - 1  # SQLite INTEGER
TicketId = Annotated[int, typer.Argument(help="Ticket id.", min=1, max=MAX_ID)]
Note = Annotated[str, typer.Option("--note", help="Note for the audit trail.")]
Units = Annotated[
    list[str] | None, typer.Option("--unit", help="Unit to dispatch to (repeat for several).")
]
ModeOpt = Annotated[Mode, typer.Option(help="direct (the center), assign (one unit), supervise.")]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="The unit acting.")]


@dataclass(frozen=True)
class Opt:
    """One option of a step command: its CLI parameter and the action argument it fills."""

    param: str
    annotation: Any
    default: Any
    field: str
    convert: Callable[[Any], Any] = lambda v: v


NOTE = Opt("note", Note, "", "note")
OPTIONS = {
    "note": NOTE,
    "of": Opt(
        "of",
        Annotated[
            int, typer.Option("--of", help="The ticket this one duplicates.", min=1, max=MAX_ID)
        ],
        inspect.Parameter.empty,
        "duplicate_of",
    ),
    "mode": Opt("mode", ModeOpt, inspect.Parameter.empty, "mode"),
    "units": Opt("unit", Units, None, "units", lambda v: tuple(v or ())),
    "unit": Opt("unit", UnitOpt, None, "unit"),
    "reason": Opt(
        "reason",
        Annotated[str, typer.Option(help="Why (a return without reason is recorded).")],
        "",
        "note",
    ),
    "result": Opt(
        "note",
        Annotated[str, typer.Option("--note", help="What was done.")],
        inspect.Parameter.empty,
        "note",
    ),
    "photo": Opt(
        "photo",
        Annotated[str | None, typer.Option(help="Photo of the result (file or URL).")],
        None,
        "photo",
    ),
}

STEPS: tuple[tuple[str, Action, tuple[str, ...], str], ...] = (
    ("register", Action.REGISTER, ("note",), "Register a received ticket as a case."),
    ("void", Action.VOID, ("note",), "Void a ticket that is not a case (the note says why)."),
    ("duplicate", Action.MARK_DUPLICATE, ("of",), "Mark a ticket as a duplicate of another."),
    (
        "redispatch",
        Action.REDISPATCH,
        ("mode", "units", "note"),
        "Change the units or mode of a running ticket (the deadline keeps running).",
    ),
    ("accept", Action.ACCEPT, ("unit",), "A unit accepts a dispatched ticket."),
    (
        "return",
        Action.RETURN,
        ("reason", "unit"),
        "A unit returns a dispatched ticket to the center.",
    ),
    ("report", Action.REPORT, ("result", "photo"), "A unit reports its result (stops the clock)."),
    (
        "suspend",
        Action.SUSPEND,
        ("note",),
        "Suspend an accepted ticket (pauses its clock; the note says why).",
    ),
    (
        "resume",
        Action.RESUME,
        ("note",),
        "Resume a suspended ticket (its due time moves by the paused working time).",
    ),
    ("close", Action.CLOSE, ("note",), "Close a verified ticket."),
)
"""``(command, action, options, help)``: one workflow step per row."""


def _step_command(action: Action, options: tuple[str, ...], help_text: str) -> Callable[..., None]:
    """A command ``ticket_id [options] [--json]`` doing ``action``; its signature comes from the
    option table, so typer builds the options from it."""
    opts = [OPTIONS[o] for o in options]

    def command(ctx: typer.Context, ticket_id: int, as_json: bool = False, **values: Any) -> None:
        fields = {o.field: o.convert(values[o.param]) for o in opts}
        _act(ctx, ticket_id, action, as_json, **fields)

    keyword = inspect.Parameter.KEYWORD_ONLY
    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("ctx", keyword, annotation=typer.Context),
            inspect.Parameter("ticket_id", keyword, annotation=TicketId),
            *(
                inspect.Parameter(o.param, keyword, annotation=o.annotation, default=o.default)
                for o in opts
            ),
            inspect.Parameter("as_json", keyword, annotation=JsonOption, default=False),
        ]
    )
    command.__doc__ = help_text
    return command


def _register_steps() -> None:
    for name, action, options, help_text in STEPS:
        app.command(name)(_step_command(action, options, help_text))


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


_register_steps()  # after list, show and new: the steps follow in the help in workflow order


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
    _act(ctx, ticket_id, Action.DISPATCH, as_json, mode=mode, units=tuple(unit or ()), note=note)


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
