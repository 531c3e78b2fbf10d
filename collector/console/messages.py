"""Every msgid the console can show: from its templates, its Python modules and the names in the
center's configuration (categories, units). Used by the catalogue test and by
``scripts/console_catalogue`` to add new msgids to the ``.po`` file."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from collector.config.models import CenterConfig
from collector.errors import MESSAGES

__all__ = ["KEYWORDS", "source_msgids", "config_msgids"]

HERE = Path(__file__).parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ConsoleDenied": (2,)}
_METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def source_msgids() -> dict[str, str]:
    """msgid -> where it is first used (file:line), templates and Python of the console."""
    found: dict[str, str] = {}
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    for name, line, msg, _comments, _ctx in extract_from_dir(
        str(HERE), _METHODS, options_map=options, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = msg if isinstance(msg, str) else msg[0]
        if msgid:
            found.setdefault(msgid, f"{name}:{line}")
    for msgid in MESSAGES.values():  # the workflow's refusals, rendered by console/refusals.py
        found.setdefault(msgid, "collector/errors.py")
    return found


def config_msgids(center: CenterConfig) -> set[str]:
    """Names from the configuration the console shows through the catalogue (categories, units,
    grid cells)."""
    names = {c.name for c in center.categories} | {u.name for u in center.units}
    return names | {cell.name for cell in center.cells.values()}
