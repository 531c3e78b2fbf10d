"""The report for the quarterly meeting, in Chinese (the default): every word from the zh-CN
catalogue, the same figures as ``collector stats``, charts drawn with a CJK font."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.main import app
from collector.report import i18n
from tests.collector.builders import center_db, example_center
from tests.collector.report.htmlread import read_report
from tests.collector.report.quarter import END, PERIOD, generate_quarter

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, str]:
    root = tmp_path_factory.mktemp("report-zh")
    db_path = root / "collector.sqlite"
    db = center_db(str(db_path))
    generate_quarter(db, example_center()[0], 120, seed=11)
    db.close()
    i18n.MISSING.clear()
    runner = CliRunner()
    pages = []
    for period, name in ((PERIOD, "q.html"), ("2025-Q1", "empty.html")):
        out = root / name
        done = runner.invoke(
            app, ["report", "--period", period, "--out", str(out), "--db", str(db_path)]
        )
        assert done.exit_code == 0, done.output
        pages.append(out.read_text(encoding="utf-8"))
    stats = runner.invoke(
        app,
        ["stats", "--period", PERIOD, "--as-of", END.isoformat(), "--json", "--db", str(db_path)],
    )
    return pages[0], json.loads(stats.output), pages[1]


def test_every_word_comes_from_the_catalogue(chinese: tuple[str, dict, str]) -> None:
    assert set() == i18n.MISSING


def test_summary_and_sections_are_chinese_with_the_same_figures(
    chinese: tuple[str, dict, str],
) -> None:
    html, stats, _ = chinese
    assert '<html lang="zh-CN">' in html
    summary, sections = read_report(html)
    assert int(summary["受理案件"]) == stats["overall"]["received"] == 120
    assert int(summary["办结（结案）"]) == stats["overall"]["solved"]
    assert list(sections) == [
        "按类别统计案件",
        "热点：类别 × 网格 × 周",
        "反复发生地点",
        "单位考核排名（百分制）",
        "超期案件",
        "退回案件",
        "每周趋势",
    ]
    for shown in sections.values():
        assert CJK.search(shown.explain) and shown.explain.endswith("。"), shown.title
        assert all(CJK.search(h) for h in shown.headers), shown.headers
    league = sections["单位考核排名（百分制）"]
    assert any("西塘执法中队" in row[1] for row in league.rows)  # a unit name, translated
    by_category = sections["按类别统计案件"]
    assert any(row[0] == "0101 违法建设" for row in by_category.rows)
    assert len(sections["每周趋势"].images) == 3


def test_an_empty_quarter_says_so_in_chinese(chinese: tuple[str, dict, str]) -> None:
    summary, sections = read_report(chinese[2])
    assert summary["受理案件"] == "0"
    assert sections["热点：类别 × 网格 × 周"].notes == ["本期无相关内容。"]


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app, ["report", "--period", PERIOD, "--out", str(tmp_path / "x.html"), "--lang", "fr"]
    )
    assert done.exit_code == 2 and "fr" in done.output
