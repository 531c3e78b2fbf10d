"""A CJK font for the report's charts: Chinese titles, legends and cell names must not render as
empty boxes. Debian's ``fonts-noto-cjk`` (installed by ``scripts/setup``) is the one expected.

matplotlib caches its font list; a font installed after that cache was built is missing from it,
so the known font files are added by path when the family is not found by name.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from matplotlib import font_manager

__all__ = ["CJK_FAMILIES", "FONT_FILES", "cjk_family", "font_families"]

log = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
"""Families tried in order (Simplified Chinese first)."""

FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian fonts-noto-cjk
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)


def _known() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


@functools.cache
def cjk_family() -> str | None:
    """The first CJK family matplotlib can use, or None (with one warning in the log)."""
    for family in CJK_FAMILIES:
        if family in _known():
            return family
    for path in FONT_FILES:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
    found = next((f for f in CJK_FAMILIES if f in _known()), None)
    if found is None:
        log.warning(
            "no CJK font found (%s): Chinese labels in report charts render as empty boxes; "
            "install the Debian package fonts-noto-cjk",
            ", ".join(CJK_FAMILIES),
        )
    return found


def font_families() -> list[str]:
    """``font.family`` for the charts: the CJK family first, then matplotlib's default."""
    cjk = cjk_family()
    return [cjk, "DejaVu Sans"] if cjk else ["DejaVu Sans"]
