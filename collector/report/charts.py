"""Trend charts of the thematic report: matplotlib (Agg) PNGs returned as ``data:`` URIs.

Each function takes plain series and returns a string usable as ``<img src=…>``, so the HTML file
stands alone (prints, mails, archives without a folder of images).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["line_chart", "stacked_bars", "png_data_uri"]

_PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f"]


def png_data_uri(fig: Figure) -> str:
    """Render ``fig`` to PNG and close it; return ``data:image/png;base64,…``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _axes(title: str, ylabel: str) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _legend(ax: plt.Axes, n: int) -> None:
    """Legend under the axes (below the rotated week labels), never over the data."""
    if n == 0:
        ax.text(0.5, 0.5, "no cases", transform=ax.transAxes, ha="center", color="#777777")
        return
    ax.legend(
        fontsize=7, frameon=False, ncols=min(3, n), loc="upper center", bbox_to_anchor=(0.5, -0.3)
    )


def line_chart(
    title: str, labels: list[str], series: Mapping[str, Sequence[float]], ylabel: str
) -> str:
    """One line per series over ``labels`` (e.g. weeks)."""
    fig, ax = _axes(title, ylabel)
    x = range(len(labels))
    for i, (name, values) in enumerate(series.items()):
        ax.plot(x, values, marker="o", markersize=3, label=name, color=_PALETTE[i % len(_PALETTE)])
    ax.set_xticks(list(x), labels, rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    _legend(ax, len(series))
    return png_data_uri(fig)


def stacked_bars(
    title: str, labels: list[str], series: Mapping[str, Sequence[float]], ylabel: str
) -> str:
    """Stacked bars: one stack per label, one colour per series."""
    fig, ax = _axes(title, ylabel)
    x = list(range(len(labels)))
    bottom = [0.0] * len(labels)
    for i, (name, values) in enumerate(series.items()):
        ax.bar(x, values, bottom=bottom, label=name, color=_PALETTE[i % len(_PALETTE)], width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(x, labels, rotation=45, ha="right")
    _legend(ax, len(series))
    return png_data_uri(fig)
