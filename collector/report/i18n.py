"""Message catalogue of the thematic report: zh-CN (the default: the report is for the center's
quarterly meeting) from a gettext ``.po`` read with Babel, English as the msgids themselves.

Every word of the report goes through :func:`_` (``{name}`` placeholders filled from keyword
values); the language is chosen per report with :func:`use_language`. A msgid the zh-CN catalogue
lacks is shown in English and recorded in :data:`MISSING` (the tests fail on it). Names from the
center's configuration (categories, units, cells) go through :func:`name`: translated when the
catalogue has them, else shown as configured.

Example:
    >>> with use_language("zh-CN"):
    ...     _("Cases by category")
    '按类别统计案件'
    >>> with use_language("en"):
    ...     _("{n} more rows not printed (of {total}).", n=2, total=42)
    '2 more rows not printed (of 42).'
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MISSING",
    "N_",
    "_",
    "name",
    "use_language",
    "language",
]

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
MISSING: set[str] = set()
_current: ContextVar[str] = ContextVar("report_language", default=DEFAULT_LANGUAGE)


def N_(msgid: str) -> str:
    """Mark a msgid for the catalogue without translating it now (module-level constants)."""
    return msgid


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """msgid -> translation (empty for English)."""
    path = LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES" / "report.po"
    if language == "en" or not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=language.replace("-", "_"))
    return {str(m.id): str(m.string) for m in cat if m.id and m.string and not m.fuzzy}


def language() -> str:
    return _current.get()


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Render in ``lang`` (one of :data:`LANGUAGES`) within the block."""
    if lang not in LANGUAGES:
        raise ValueError(f"report language {lang!r} is not one of {', '.join(LANGUAGES)}")
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def _(msgid: str, **values: object) -> str:
    lang = _current.get()
    text = catalogue(lang).get(msgid)
    if text is None:
        if lang != "en":
            MISSING.add(msgid)
        text = msgid
    return text.format(**values) if values else text


def name(text: str) -> str:
    """A configured name (category, unit, cell) in the report's language where known."""
    return catalogue(_current.get()).get(text, text)
