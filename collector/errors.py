"""Exceptions raised by the collector.

Every error the collector raises on purpose derives from :class:`GridwatchError`, so the CLI can
turn them into a clean message and a non-zero exit without a traceback::

    GridwatchError (edge_agent.contract.errors: shared with the agent)
    ├── ConfigError            a YAML file (units, categories, routing, calendar) is wrong
    ├── ContractError          a message does not satisfy the MQTT contract
    └── CollectorError
        ├── StoreError             the SQLite store cannot be opened or migrated
        ├── GridError              a grid map or camera registry does not validate (lists every problem)
        ├── MessageError           an error people read on the console: it carries a Message
        │   ├── TicketError            a ticket operation cannot be done
        │   │   ├── TicketNotFound     no ticket with that id
        │   │   ├── IllegalAction      the action is not allowed in the ticket's current state
        │   │   └── GuardFailed        the action is allowed in this state but its precondition is not met
        │   │       └── NotPermitted   the actor's role or unit may not do it (or the actor is unknown)
        │   ├── AccountError, LoginRefused (collector.accounts.store)
        │   └── ApiKeyError and its family (collector.api.keys)
        ├── IntakeError            an incident payload cannot be filed as a ticket
        └── PeriodError            a statistics period string cannot be understood

Other collector modules (ingest, transport) add their own subclasses here.

A :class:`MessageError` carries a :class:`Message`: a message id of :data:`MESSAGES` (the English
sentence with ``{name}`` placeholders) and its values, so ``str(err)`` is an English sentence for
the CLI and the logs while the console renders the same refusal through its catalogue, translating
the values that are domain words (actions, states, roles, units...)::

    >>> err = GuardFailed("deadline_out_of_range", max_hours=72.0)
    >>> str(err), err.message.id
    ('a deadline must be > 0 and <= 72 hours', 'deadline_out_of_range')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from edge_agent.contract.errors import ConfigError, ContractError, GridwatchError

__all__ = [
    "GridwatchError",
    "ContractError",
    "CollectorError",
    "StoreError",
    "ConfigError",
    "GridError",
    "MessageError",
    "TicketError",
    "TicketNotFound",
    "IllegalAction",
    "GuardFailed",
    "NotPermitted",
    "IntakeError",
    "PeriodError",
    "MESSAGES",
    "Message",
]

MESSAGES: dict[str, str] = {
    # the ticket and the workflow table
    "ticket_not_found": "no ticket {ticket}",
    "action_not_in_state": "ticket {ticket}: cannot '{action}' in state '{state}'; allowed: {allowed}",
    "action_in_final_state": (
        "ticket {ticket}: cannot '{action}' in state '{state}'; allowed: none (final state)"
    ),
    "action_not_for_role": "ticket {ticket}: {action} is done by {roles}, not {role}",
    "step_before_last": ("ticket {ticket}: {action} at {at} is before its last step ({last})"),
    "guard_failed": "ticket {ticket}: cannot {action}: {reason}",
    "changed_meanwhile": "ticket {ticket} changed while {action} was applied",
    "on_ticket": "ticket {ticket}: {reason}",
    # guards of the workflow table (the reason of guard_failed)
    "dispatch_needs_mode": "a dispatch needs a mode (direct, assign or supervise)",
    "assign_needs_one_unit": "assign mode dispatches to exactly one unit; got {n}",
    "supervise_needs_units": "supervise mode dispatches to two or more units; got {n}",
    "direct_needs_one_unit": "direct mode is handled by one unit (the center); got {n}",
    "unit_named_twice": "a unit is named twice",
    "unit_not_responsible": "unit {unit} is not responsible (dispatched to {units})",
    "note_required": "a note is required",
    "extension_hours_out_of_range": "extension hours must be > 0 and <= {max_hours:g}",
    "duplicate_needs_ticket": "name the ticket this one duplicates",
    "duplicate_of_itself": "a ticket cannot duplicate itself",
    "falsified_cannot_pass": "a falsified result cannot pass verification",
    # effects of a step
    "no_center_unit": "direct mode needs a unit of kind 'center' in units.yaml",
    "unknown_units": "unknown unit(s): {codes}",
    "deadline_out_of_range": "a deadline must be > 0 and <= {max_hours:g} hours",
    "no_working_time_left": (
        "ticket {ticket}: cannot extend: no working time is left within {days} days of its start"
    ),
    # who acts (permissions, accounts, the desk)
    "right_not_for_role": "{right} is for {roles}; not for {role}",
    "role_may_not_act": "{actor} may not {action}: it is done by {roles}, not {role}",
    "unit_may_not_act": (
        "{actor} may not {action}: unit {unit} is not responsible (dispatched to {units})"
    ),
    "station_may_not_act": (
        "{actor} may not {action}: cell {cell} belongs to {station}, not to {unit}"
    ),
    "account_disabled": "{actor}: the account is disabled",
    "unknown_actor": (
        "unknown actor '{actor}': not a console account and not a member of any unit (units.yaml)"
    ),
    "claims_other_role": "{actor} is {role} of {unit}, not {claimed}",
    "claims_other_role_center": "{actor} is {role} of the center, not {claimed}",
    "acts_for_other_unit": "{actor} acts for {unit}, not for {given}",
    "unknown_category": "unknown category '{code}'",
    "unknown_cell": "unknown grid cell '{code}'",
    # accounts (collector.accounts.store)
    "account_id_invalid": "account id '{account}': use 2-64 of a-z 0-9 . _ -",
    "account_name_empty": "account {account}: name is empty",
    "account_role_system": "account {account}: role 'system' is the platform's, not a person's",
    "account_needs_unit": "account {account}: a unit handler needs a unit",
    "account_locale_unknown": "account {account}: locale '{locale}' not in {locales}",
    "password_too_short": "account {account}: password needs at least {min} characters",
    "account_exists": "account {account} already exists",
    "no_account": "no account {account}",
    "account_fields_fixed": "account {account}: cannot change {fields}",
    "login_refused": "unknown account or wrong password",
    "login_disabled": "account {account} is disabled",
    "login_locked": "account {account} is locked until {until}",
    "login_locked_now": "account {account} locked after {failures} failures, until {until}",
    # API keys (collector.api.keys)
    "key_scope_unknown": "scope must be one of {scopes}; got '{scope}'",
    "read_key_no_member": "a read key acts for nobody: give --member only with --scope write",
    "write_key_needs_member": (
        "a write key acts for a member of the center: name one (--member ACCOUNT)"
    ),
    "no_api_key": "no API key with id '{key}'",
    "api_key_missing": "an API key with scope '{need}' is required",
    "api_key_malformed": "the API key is malformed",
    "api_key_refused": "the API key is unknown or revoked",
    "api_key_scope": "API key {key} has scope '{scope}'; '{need}' is required",
    "api_key_unbound": (
        "API key {key} acts for no member (made before write keys named one): "
        "bind it with 'collector keys bind {key} --member ACCOUNT' or make a new one"
    ),
}
"""Message id -> the English sentence (``str.format`` placeholders). The console's catalogue
translates each sentence (a test fails on one without a zh-CN translation)."""

_MESSAGE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

Word = Callable[[str, object], object]
"""``word(name, value) -> shown value``: how a renderer shows each value of a message."""


def english_word(name: str, value: object) -> object:
    """Values as the English sentence shows them: lists joined by commas, ``none`` when empty."""
    if isinstance(value, Message):
        return value.render(english_word)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Message:
    """A sentence for people: a message id of :data:`MESSAGES` and its values (a value may be a
    :class:`Message` itself, e.g. a guard's reason inside ``guard_failed``)."""

    id: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.id not in MESSAGES:
            raise ValueError(f"unknown message id {self.id!r} (collector.errors.MESSAGES)")

    @property
    def template(self) -> str:
        return MESSAGES[self.id]

    def render(self, word: Word) -> str:
        """The sentence with each value shown by ``word`` (the console: translated)."""
        return self.template.format(**{k: word(k, v) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render(english_word)


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


class MessageError(CollectorError):
    """An error people read on the console (in their language) and on the command line.

    Raised with a message id of :data:`MESSAGES` and its values (``message`` holds both), or
    with a :class:`Message`; a plain English sentence (no id) is kept as it is, ``message`` None.
    """

    def __init__(self, message: Message | str, /, **values: object):
        if isinstance(message, str) and _MESSAGE_ID.match(message):
            message = Message(message, values)  # raises on an unknown id: a typo is a bug
        self.message: Message | None = message if isinstance(message, Message) else None
        super().__init__(str(message))


class TicketError(MessageError):
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
        values = {"ticket": ticket_id, "action": action, "state": state}
        if allowed:
            super().__init__("action_not_in_state", **values, allowed=tuple(allowed))
        else:
            super().__init__("action_in_final_state", **values)


class GuardFailed(TicketError):
    """The action is allowed in this state, but its precondition is not met (the guard says why)."""


class NotPermitted(GuardFailed):
    """The actor may not do this: unknown actor, a role without the right, or another unit's case."""


class IntakeError(CollectorError):
    """An incident payload cannot be filed as a ticket."""


class PeriodError(CollectorError):
    """A period string (``2015-Q2``, ``2015-05``...) cannot be understood."""
