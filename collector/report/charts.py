"""Trend charts of the thematic report: matplotlib (Agg) PNGs returned as ``data:`` URIs.

Each function takes plain series and returns a string usable as ``<img src=…>``, so the HTML file
stands alone (prints, mails, archives without a folder of images). The ``*_figure`` builders
return the figure itself (tests measure it).

Readable at a meeting: text in a CJK font (:mod:`collector.report.fonts`), at most
:data:`MAX_X_LABELS` week labels (every k-th one, so they never overlap), and whole numbers on the
axis of a count (no "2.5 cases").
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from collector.report.fonts import font_families  # noqa: E402

__all__ = [
    "MAX_X_LABELS",
    "line_chart",
    "line_figure",
    "stacked_bars",
    "stacked_figure",
    "png_data_uri",
    "thin_labels",
]

_PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f"]
MAX_X_LABELS = 8
"""Most x labels printed on a 7.2-inch chart."""


def png_data_uri(fig: Figure) -> str:
    """Render ``fig`` to PNG and close it; return ``data:image/png;base64,…``."""
    buf = io.BytesIO()
    with plt.rc_context({"font.family": font_families()}):
        fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def thin_labels(labels: Sequence[str], most: int = MAX_X_LABELS) -> list[str]:
    """Every k-th label kept (the first included), the others blank, at most ``most`` shown."""
    step = max(1, math.ceil(len(labels) / most))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _axes(title: str, ylabel: str, integer: bool) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if integer:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))
    return fig, ax


def _finish(ax: plt.Axes, labels: list[str], n_series: int, top: float) -> None:
    x = list(range(len(labels)))
    ax.set_xticks(x, thin_labels(labels), rotation=30, ha="right")
    ax.set_ylim(0, max(1.0, top * 1.08))
    if n_series == 0:
        ax.text(0.5, 0.5, "—", transform=ax.transAxes, ha="center", color="#777777")
        return
    # under the axes (below the week labels), never over the data
    ax.legend(
        fontsize=7, frameon=False, ncols=min(3, n_series), loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
    )  # fmt: skip


def line_figure(
    title: str,
    labels: list[str],
    series: Mapping[str, Sequence[float]],
    ylabel: str,
    integer: bool = True,
) -> Figure:
    """One line per series over ``labels`` (e.g. weeks); ``integer``: the values are counts."""
    with plt.rc_context({"font.family": font_families()}):  # text gets its font when made
        fig, ax = _axes(title, ylabel, integer)
        x = range(len(labels))
        for i, (name, values) in enumerate(series.items()):
            color = _PALETTE[i % len(_PALETTE)]
            ax.plot(x, values, marker="o", markersize=3, label=name, color=color)
        top = max((max(v, default=0) for v in series.values()), default=0)
        _finish(ax, labels, len(series), top)
    return fig


def stacked_figure(
    title: str, labels: list[str], series: Mapping[str, Sequence[float]], ylabel: str
) -> Figure:
    """Stacked bars of counts: one stack per label, one colour per series."""
    with plt.rc_context({"font.family": font_families()}):
        fig, ax = _axes(title, ylabel, integer=True)
        x = list(range(len(labels)))
        bottom = [0.0] * len(labels)
        for i, (name, values) in enumerate(series.items()):
            color = _PALETTE[i % len(_PALETTE)]
            ax.bar(x, values, bottom=bottom, label=name, color=color, width=0.7)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        _finish(ax, labels, len(series), max(bottom, default=0))
    return fig


def line_chart(
    title: str,
    labels: list[str],
    series: Mapping[str, Sequence[float]],
    ylabel: str,
    integer: bool = True,
) -> str:
    """:func:`line_figure` as a PNG data URI."""
    return png_data_uri(line_figure(title, labels, series, ylabel, integer))


def stacked_bars(
    title: str, labels: list[str], series: Mapping[str, Sequence[float]], ylabel: str
) -> str:
    """:func:`stacked_figure` as a PNG data URI."""
    return png_data_uri(stacked_figure(title, labels, series, ylabel))
