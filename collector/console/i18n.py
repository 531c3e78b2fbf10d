"""Message catalogues of the console: zh-CN (default) from a gettext ``.po`` read with Babel at
start-up, English as the msgids themselves.

Every word a user sees goes through :meth:`Translator.gettext` (``_`` in templates). A msgid the
zh-CN catalogue lacks is shown in English and recorded in :data:`MISSING`; the tests fail on it.

Example:
    >>> translator("zh_CN").gettext("Queue")
    '案件队列'
    >>> translator("en").gettext("Queue")
    'Queue'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = ["DEFAULT_LOCALE", "LOCALES", "MISSING", "Translator", "translator", "catalogue", "N_"]

DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "console"
MISSING: set[str] = set()
"""msgids asked for in zh-CN that the catalogue does not translate (checked by the tests)."""


def N_(msgid: str) -> str:
    """Mark a msgid for extraction without translating it now (labels tables)."""
    return msgid


@functools.cache
def catalogue(locale: str) -> dict[str, str]:
    """msgid -> msgstr of ``locale`` (empty for English: the msgids are English)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=locale)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


@dataclass(frozen=True)
class Translator:
    locale: str
    messages: dict[str, str] = field(repr=False)

    def gettext(self, msgid: str, **values: object) -> str:
        """The translation of ``msgid``, with ``{name}`` placeholders filled from ``values``."""
        text = self.messages.get(msgid)
        if text is None:
            if self.locale != "en":
                MISSING.add(msgid)
            text = msgid
        return text.format(**values) if values else text


def translator(locale: str | None) -> Translator:
    loc = locale if locale in LOCALES else DEFAULT_LOCALE
    return Translator(loc, catalogue(loc))
