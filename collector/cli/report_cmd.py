"""``collector report``: the thematic report of a period as one printable HTML file."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from collector.cli.common import DbOption, console, err_console, library_errors, store
from collector.report.build import render_report
from collector.store import DEFAULT_DB

__all__ = ["report", "ReportLanguage"]


class ReportLanguage(StrEnum):
    ZH_CN = "zh-CN"
    EN = "en"


def report(
    period: Annotated[str, typer.Option(help="2026, 2026-Q3, 2026-07 or FROM..TO (dates).")],
    out: Annotated[Path, typer.Option(help="HTML file to write.")],
    db: DbOption = Path(DEFAULT_DB),
    lang: Annotated[
        ReportLanguage, typer.Option("--lang", help="Language of the report: zh-CN or en.")
    ] = ReportLanguage.ZH_CN,
) -> None:
    """Hotspots, repeat locations, unit league table, overdue and returned tickets, weekly trends;
    figures as of the period's end (the same as ``collector stats --as-of``)."""
    with library_errors():
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        html = render_report(store(db), period, generated, lang.value)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as err:
        err_console.print(f"error: {out}: cannot write: {err.strerror}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"wrote {out} ({len(html) // 1024} KiB)")
