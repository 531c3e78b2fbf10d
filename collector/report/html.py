"""Render a thematic report as one self-contained, print-ready HTML page.

The page is a title block, a short reading guide, then sections. Every section opens with one
sentence saying what its table or chart shows and how to read it, for a reader who never used the
tool. Print CSS: A4 portrait, tables never split a row, a section never starts at a page foot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from collector.report.i18n import N_, _, language

__all__ = ["Table", "Section", "Report", "render_html"]


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Sequence[Sequence[object]]
    numeric: frozenset[int] = frozenset()
    nowrap: frozenset[int] = frozenset()
    empty: str = N_("Nothing to report for this period.")  # a msgid: translated when rendered


@dataclass(frozen=True)
class Section:
    title: str
    explain: str
    table: Table | None = None
    charts: list[tuple[str, str]] = field(default_factory=list)
    """(data URI, alt text) pairs."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    generated: str
    summary: list[tuple[str, str]]
    sections: list[Section]
    guide: list[str] = field(default_factory=list)


_CSS = """
@page { size: A4 portrait; margin: 16mm 14mm 18mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #1a1a1a; max-width: 190mm; margin: 0 auto; padding: 8mm 0; line-height: 1.4; }
h1 { font-size: 19pt; margin: 0 0 2mm 0; color: #1f4e79; }
h2 { font-size: 13pt; margin: 8mm 0 1.5mm 0; color: #1f4e79; border-bottom: 1.5px solid #1f4e79;
     padding-bottom: 1mm; break-after: avoid; page-break-after: avoid; }
.sub { color: #555; margin: 0 0 4mm 0; }
.explain { margin: 0 0 2.5mm 0; }
.note { color: #555; font-size: 9pt; margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 1mm 0 2mm 0; }
th, td { border: 1px solid #bfbfbf; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nw, td.num { white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin: 3mm 0; }
.figure { border: 1px solid #bfbfbf; padding: 2mm; break-inside: avoid; }
.figure .v { font-size: 15pt; font-weight: bold; color: #1f4e79; }
.figure .k { font-size: 8.5pt; color: #444; }
img { max-width: 100%; display: block; margin: 2mm 0; break-inside: avoid; }
section { break-inside: auto; }
.head { break-inside: avoid; page-break-inside: avoid; break-after: avoid; }
.guide { background: #f6f6f6; padding: 2mm 4mm; font-size: 9.5pt; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #666; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
"""


def _cell(value: object, numeric: bool, nowrap: bool) -> str:
    text = "" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)
    classes = " ".join(c for c, on in (("num", numeric), ("nw", nowrap)) if on)
    return f'<td class="{classes}">{escape(text)}</td>' if classes else f"<td>{escape(text)}</td>"


def _table(table: Table) -> str:
    if not table.rows:
        return f'<p class="note">{escape(_(table.empty))}</p>'
    head = "".join(
        f'<th class="num">{escape(h)}</th>' if i in table.numeric else f"<th>{escape(h)}</th>"
        for i, h in enumerate(table.headers)
    )
    body = "\n".join(
        "<tr>"
        + "".join(_cell(v, i in table.numeric, i in table.nowrap) for i, v in enumerate(row))
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _section(section: Section) -> str:
    parts = [
        f'<section><div class="head"><h2>{escape(section.title)}</h2>'
        f'<p class="explain">{escape(section.explain)}</p></div>'
    ]
    for uri, alt in section.charts:
        parts.append(f'<img src="{uri}" alt="{escape(alt)}">')
    if section.table is not None:
        parts.append(_table(section.table))
    parts += [f'<p class="note">{escape(n)}</p>' for n in section.notes]
    parts.append("</section>")
    return "\n".join(parts)


def render_html(report: Report) -> str:
    """The whole page as a string."""
    figures = "".join(
        f'<div class="figure"><div class="v">{escape(v)}</div>'
        f'<div class="k">{escape(k)}</div></div>'
        for k, v in report.summary
    )
    guide = "".join(f"<li>{escape(g)}</li>" for g in report.guide)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{language()}"><head><meta charset="utf-8">',
            f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{escape(report.title)}</h1>",
            f'<p class="sub">{escape(report.subtitle)}</p>',
            f'<div class="summary">{figures}</div>',
            f'<div class="guide"><ul>{guide}</ul></div>' if guide else "",
            *(_section(s) for s in report.sections),
            "<footer>"
            + escape(_("Generated {generated} by gridwatch collector.", generated=report.generated))
            + "</footer>",
            "</body></html>",
        ]
    )
