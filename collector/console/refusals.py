"""A workflow refusal (a :class:`collector.errors.Message`) in the user's language: the sentence
from the catalogue, and each value that is a domain word (an action, a state, a role, a unit, a
category...) translated too; lists joined the language's way; times in the center's zone.

Example:
    >>> from collector.errors import Message
    >>> from collector.console.i18n import translator
    >>> show(Message("action_not_in_state", {"ticket": 7, "action": "close", "state": "received",
    ...     "allowed": ("register", "void")}), translator("zh_CN"))
    '案件 7：在“已接收”状态下不能“结案”；可进行的操作：立案、作废'
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from collector.config.models import CenterConfig
from collector.console import labels
from collector.console.i18n import N_, Translator
from collector.console.web import local_time
from collector.errors import MESSAGES, Message, MessageError

__all__ = ["VALUE_LABELS", "PLAIN_VALUES", "show", "explain", "shown_values", "placeholders"]

_UNIT, _CATEGORY = "unit", "category"
VALUE_LABELS: dict[str, Mapping[str, str] | str] = {
    "action": labels.ACTIONS,
    "allowed": labels.ACTIONS,
    "state": labels.STATES,
    "role": labels.ROLES,
    "roles": labels.ROLES,
    "claimed": labels.ROLES,
    "right": labels.RIGHTS,
    "mode": labels.MODES,
    "unit": _UNIT,
    "units": _UNIT,
    "given": _UNIT,
    "station": _UNIT,
    "category": _CATEGORY,
    "scope": labels.KEY_SCOPES,
    "scopes": labels.KEY_SCOPES,
    "need": labels.KEY_SCOPES,
}
"""Value name -> how it is translated: a labels table, or a name looked up in the center's
units or categories (their names are msgids)."""

PLAIN_VALUES = frozenset(
    {"ticket", "actor", "n", "max_hours", "days", "at", "last", "code", "codes", "cell", "reason"}
    | {"account", "locale", "locales", "fields", "min", "failures", "until", "key"}
)
"""Values shown as they are: ids, numbers, codes a user typed, times, a nested message."""

_SEPARATOR = N_(", ")
_NONE = N_("none")


def placeholders(template: str) -> set[str]:
    """The value names of a message template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _name(kind: str, value: str, center: CenterConfig | None) -> str | None:
    """The name (a msgid) of a unit or category; None when unknown (shown as given)."""
    if center is None:
        return None
    if kind == _UNIT:
        return next((u.name for u in center.units if u.id == value), None)
    return next((c.name for c in center.categories if c.code == value), None)


def show(message: Message, tr: Translator, center: CenterConfig | None = None) -> str:
    """``message`` in ``tr``'s language (unit and category names need ``center``)."""
    return tr.gettext(MESSAGES[message.id], **shown_values(message.values, tr, center))


def explain(err: MessageError, tr: Translator, center: CenterConfig | None = None) -> str:
    """What ``err`` says in ``tr``'s language (its English text when it carries no message id)."""
    return show(err.message, tr, center) if err.message is not None else str(err)


def shown_values(
    values: Mapping[str, object], tr: Translator, center: CenterConfig | None = None
) -> dict[str, object]:
    """``values`` as shown in ``tr``'s language: domain words translated (by value name)."""

    def word(name: str, value: object) -> object:
        if isinstance(value, Message):
            return show(value, tr, center)
        if isinstance(value, list | tuple):
            shown = [str(word(name, v)) for v in value]
            return tr.gettext(_SEPARATOR).join(shown) if shown else tr.gettext(_NONE)
        if hasattr(value, "astimezone"):
            return local_time(value, tr, seconds=True)  # type: ignore[arg-type]
        table = VALUE_LABELS.get(name)
        if table is None or value is None:
            return value
        text = str(value)
        if isinstance(table, str):
            known = _name(table, text, center)
            return tr.gettext(known) if known else text
        return tr.gettext(table[text]) if text in table else text

    return {k: word(k, v) for k, v in values.items()}
