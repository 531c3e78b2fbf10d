"""每日巡查 on the console: the day's watched places per cell with verdicts and flags, frames
served to those who may read the cell, 403 for a role or unit that may not; one browser run
(click a frame to enlarge, screenshot ``tests/artifacts/console-patrol.png``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from collector.accounts import create_account
from collector.config.models import Role
from collector.console.web import TZ
from collector.grid.store import load_center
from collector.patrol import flag_missing
from collector.store import open_store
from edge_agent.contract.patrol import Verdict
from tests.collector.console.world import PASSWORD, Served
from tests.collector.patrol.places import (
    HOTSPOT,
    HOUSEHOLD,
    construction_change,
    frame,
    incident_id,
    ingest,
    patrol_check,
)

TODAY = datetime.now(UTC).astimezone(TZ).date()
DAY = TODAY - timedelta(days=1)
XIYUAN = ("qian.xiyuan", "钱涛", Role.UNIT_HANDLER, "station-xiyuan")


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture(scope="module")
def patrol(console: Served) -> dict[str, str]:
    """Two days: both places unchanged the day before; yesterday the household changed (a 9004
    ticket), the courtyard's check never came (flagged missing by the job)."""
    db = open_store(console.db_path)
    create_account(db, *XIYUAN, PASSWORD, datetime.now(UTC))
    before = DAY - timedelta(days=1)
    for place in (HOTSPOT, HOUSEHOLD):
        ingest(db, patrol_check(place, before, Verdict.UNCHANGED), _at(before, 10))
    change = construction_change(HOUSEHOLD, _at(DAY, 9))
    ingest(db, change, _at(DAY, 9))
    check = patrol_check(HOUSEHOLD, DAY, Verdict.CHANGED, change_id=incident_id(change))
    ingest(db, check, _at(DAY, 10))
    assert flag_missing(db, _at(DAY, 13), load_center(db)) == 1
    db.close()
    names = [t.rsplit("/", 1)[1] for t, _ in check[1:]]
    return {"after": names[0], "before": names[1]}


def test_the_day_per_cell_for_the_center_with_flags_and_frames(client, patrol) -> None:
    chief = client("wang.duty")
    page = chief.get("/console/patrol", params={"day": DAY.isoformat()})
    assert page.status_code == 200
    html = page.text
    assert "每日巡查" in html and 'data-flags="1"' in html
    assert 'data-place="xitang/build-01/courtyard" data-verdict="missing"' in html
    assert 'data-place="xitang/build-02/house-7" data-verdict="changed"' in html
    assert "缺巡" in html and "有变化" in html and "西塘违建〔2026〕12号" in html
    assert f"/console/patrol/media/{patrol['after']}" in html
    shot = chief.get(f"/console/patrol/media/{patrol['after']}")
    assert (shot.status_code, shot.headers["content-type"]) == (200, "image/png")
    assert shot.content == frame("B")
    assert '<a href="/console/patrol">每日巡查</a>' in chief.get("/console/").text
    assert "/console/patrol?cell=330421101003002" in chief.get("/console/map").text
    ticket = re.search(r'href="(/console/tickets/\d+)"', html)
    assert ticket is not None
    shown = chief.get(ticket.group(1)).text
    assert "原案件编号" in shown and "违反停工令（本地扩展）" in shown


@pytest.mark.parametrize(
    ("account", "path", "status"),
    [
        ("admin", "/console/patrol", 403),  # administration is no patrol reader
        ("zhao.police", "/console/patrol", 403),  # the police get no construction cases
        ("qian.xiyuan", "/console/patrol?cell=330421101002005", 403),  # not its cell
        ("qian.xiyuan", "/console/patrol", 200),
        ("ye.leader", "/console/patrol", 200),
        ("sun.inspect", "/console/patrol", 200),
        ("zhou.dispatch", "/console/patrol", 200),
        ("wang.duty", "/console/patrol?day=17.2.", 400),
    ],
)
def test_who_may_read_the_patrol(client, patrol, account: str, path: str, status: int) -> None:
    page = client(account).get(path)
    assert page.status_code == status, page.text


def test_a_unit_reads_only_its_cells_and_their_frames(client, patrol, console: Served) -> None:
    station = client("qian.xiyuan")
    html = station.get("/console/patrol", params={"day": DAY.isoformat()}).text
    assert "xitang/build-02/house-7" in html and "xitang/build-01/courtyard" not in html
    assert station.get(f"/console/patrol/media/{patrol['after']}").status_code == 200
    db = open_store(console.db_path)
    courtyard = db.execute(
        "SELECT json_extract(evidence, '$[0].name') FROM patrol_days WHERE zone = 'courtyard'"
        " AND verdict = 'unchanged'"
    ).fetchone()[0]
    db.close()
    assert station.get(f"/console/patrol/media/{courtyard}").status_code == 404
    assert client("wang.duty").get(f"/console/patrol/media/{courtyard}").status_code == 200


@pytest.mark.browser
def test_the_patrol_page_in_a_browser(login, patrol, artifacts) -> None:
    chief = login("wang.duty")
    chief.goto(chief.url.split("/console")[0] + f"/console/patrol?day={DAY.isoformat()}")
    assert chief.locator("article.place").count() == 2
    missing = chief.locator("article.verdict-missing")
    assert missing.locator(".verdict").inner_text() == "缺巡"
    assert missing.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(198, 40, 40)"
    chief.screenshot(path=str(artifacts / "console-patrol.png"), full_page=True)
    chief.locator("article.verdict-changed img.evidence").first.click()  # enlarge the frame
    assert chief.locator("dialog#zoom").evaluate("d => d.open")
    assert chief.locator("dialog#zoom img").evaluate("i => i.naturalWidth") == 256
