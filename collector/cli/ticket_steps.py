"""The workflow-step commands of ``collector tickets`` as one table (:data:`STEPS`): each row is a
command name, the action it does, the options it takes and its help. :func:`register_steps` makes
one typer command per row; the options come from :data:`OPTIONS`, each naming the action argument
it fills. Who may do what is the tickets library's business (:mod:`collector.tickets.desk`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from collector.cli.common import (
    JsonOption,
    console,
    emit_json,
    library_errors,
    parse_at,
    require_actor,
    store,
)
from collector.config.models import Mode, Role
from collector.grid.store import load_center
from collector.tickets import Action
from collector.tickets.desk import Actor, act
from collector.tickets.detail import ticket_document

__all__ = [
    "Who",
    "act_and_print",
    "TicketId",
    "Note",
    "Units",
    "MAX_ID",
    "OPTIONS",
    "STEPS",
    "step_command",
    "register_steps",
]


@dataclass(frozen=True)
class Who:
    """The group options: the store, who acts, the role they claim, when (text as given)."""

    db: Path
    actor: str | None
    role: Role | None
    at: str | None

    def actor_now(self) -> Actor:
        return Actor(require_actor(self.actor), self.role, parse_at(self.at))


def act_and_print(
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


OPTIONS = {
    "note": Opt("note", Note, "", "note"),
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


def step_command(action: Action, options: tuple[str, ...], help_text: str) -> Callable[..., None]:
    """A command ``ticket_id [options] [--json]`` doing ``action``; its signature comes from the
    option table, so typer builds the options from it."""
    opts = [OPTIONS[o] for o in options]

    def command(ctx: typer.Context, ticket_id: int, as_json: bool = False, **values: Any) -> None:
        fields = {o.field: o.convert(values[o.param]) for o in opts}
        act_and_print(ctx, ticket_id, action, as_json, **fields)

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


def register_steps(app: typer.Typer) -> None:
    """Add one command per row of :data:`STEPS` to ``app``."""
    for name, action, options, help_text in STEPS:
        app.command(name)(step_command(action, options, help_text))
