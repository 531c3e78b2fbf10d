"""Exceptions raised by the collector.

Every error the collector raises on purpose derives from :class:`GridwatchError`, so the CLI can
turn them into a clean message and a non-zero exit without a traceback::

    GridwatchError (edge_agent.contract.errors: shared with the agent)
    ├── ConfigError            a YAML file (units, categories, routing, calendar) is wrong
    ├── ContractError          a message does not satisfy the MQTT contract
    └── CollectorError
        ├── StoreError             the SQLite store cannot be opened or migrated
        ├── GridError              a grid map or camera registry does not validate (lists every problem)
        ├── TicketError            a ticket operation cannot be done
        │   ├── TicketNotFound     no ticket with that id
        │   ├── IllegalAction      the action is not allowed in the ticket's current state
        │   └── GuardFailed        the action is allowed in this state but its precondition is not met
        │       └── NotPermitted   the actor's role or unit may not do it (or the actor is unknown)
        ├── IntakeError            an incident payload cannot be filed as a ticket
        └── PeriodError            a statistics period string cannot be understood

Other collector modules (ingest, transport) add their own subclasses here.
"""

from __future__ import annotations

from edge_agent.contract.errors import ConfigError, ContractError, GridwatchError

__all__ = [
    "GridwatchError",
    "ContractError",
    "CollectorError",
    "StoreError",
    "ConfigError",
    "GridError",
    "TicketError",
    "TicketNotFound",
    "IllegalAction",
    "GuardFailed",
    "NotPermitted",
    "IntakeError",
    "PeriodError",
]


class CollectorError(GridwatchError):
    """Base of every error the collector raises on purpose."""


class StoreError(CollectorError):
    """The SQLite store cannot be opened or a migration failed."""


class GridError(CollectorError):
    """A grid map or camera registry is invalid.

    Attributes:
        source: the file (or ``"<dict>"``).
        problems: one ``(feature, reason)`` pair per problem; ``feature`` names the cell code,
            feature index or camera/zone.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {len(problems)} problem(s)"]
        lines += [f"  {feature}: {reason}" for feature, reason in problems]
        super().__init__("\n".join(lines))


class TicketError(CollectorError):
    """A ticket operation cannot be done."""


class TicketNotFound(TicketError):
    """No ticket has the given id."""


class IllegalAction(TicketError):
    """The action is not allowed in the ticket's current state.

    Attributes:
        ticket_id, state, action: what was asked.
        allowed: the actions allowed in ``state``.
    """

    def __init__(self, ticket_id: str, state: str, action: str, allowed: list[str]):
        self.ticket_id = ticket_id
        self.state = state
        self.action = action
        self.allowed = allowed
        super().__init__(
            f"ticket {ticket_id}: cannot {action!r} in state {state!r}; "
            f"allowed: {', '.join(allowed) or 'none (final state)'}"
        )


class GuardFailed(TicketError):
    """The action is allowed in this state, but its precondition is not met (the guard says why)."""


class NotPermitted(GuardFailed):
    """The actor may not do this: unknown actor, a role without the right, or another unit's case."""


class IntakeError(CollectorError):
    """An incident payload cannot be filed as a ticket."""


class PeriodError(CollectorError):
    """A period string (``2015-Q2``, ``2015-05``...) cannot be understood."""
