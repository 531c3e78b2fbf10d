"""The report's charts at a quarterly meeting: Chinese text in a CJK font (a missing glyph is a
warning, and warnings are errors here), week labels that do not overlap, whole counts."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import pytest
from matplotlib.font_manager import FontProperties, findfont

from collector.report import charts
from collector.report.fonts import cjk_family

WEEKS = [f"2026-W{w:02d}" for w in range(1, 15)]  # a quarter: 14 labelled weeks


def test_a_cjk_font_is_found() -> None:
    family = cjk_family()
    assert family is not None, "install fonts-noto-cjk (scripts/setup does)"
    assert "CJK" in findfont(FontProperties(family=family), fallback_to_default=False)


def test_chinese_labels_render_without_missing_glyphs() -> None:
    # "Glyph ... missing from font(s)" is a UserWarning: pytest turns it into an error
    uri = charts.stacked_bars(
        "每周受理案件（按类别）",
        WEEKS,
        {"0101 违法建设": [1] * 14, "9001 人流密度超限": [2] * 14},
        "案件数",
    )
    assert uri.startswith("data:image/png;base64,")
    fig = charts.line_figure("每周受理与结案", WEEKS, {"受理": [3] * 14}, "案件数")
    fig.canvas.draw()
    title = fig.axes[0].title
    assert "CJK" in findfont(title.get_fontproperties(), fallback_to_default=False)
    plt.close(fig)


def _boxes(fig) -> list:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    return [t.get_window_extent(renderer) for t in labels]


@pytest.mark.parametrize("weeks", [WEEKS, WEEKS[:5], [f"2026-W{w:02d}" for w in range(1, 27)]])
def test_week_labels_never_overlap(weeks: list[str]) -> None:
    fig = charts.line_figure("received", weeks, {"received": [1.0] * len(weeks)}, "cases")
    boxes = _boxes(fig)
    plt.close(fig)
    assert 0 < len(boxes) <= charts.MAX_X_LABELS
    for a, b in itertools.pairwise(boxes):
        assert a.x1 < b.x0, "two week labels overlap"


def test_count_axes_have_whole_numbers_only() -> None:
    small = {"received": [0, 1, 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0]}
    for fig in (
        charts.line_figure("few cases", WEEKS, small, "cases"),
        charts.stacked_figure("few cases", WEEKS, small, "cases"),
        charts.line_figure("no cases", WEEKS, {"received": [0] * 14}, "cases"),
    ):
        ticks = fig.axes[0].get_yticks()
        lo, hi = fig.axes[0].get_ylim()
        shown = [t for t in ticks if lo <= t <= hi]
        plt.close(fig)
        assert len(shown) >= 2 and all(float(t).is_integer() for t in shown), shown


def test_thin_labels_keeps_the_first_and_every_kth() -> None:
    assert charts.thin_labels(list("abcdefghij"), most=4) == [
        "a", "", "", "d", "", "", "g", "", "", "j",
    ]  # fmt: skip
    assert charts.thin_labels(["a", "b"], most=8) == ["a", "b"]
