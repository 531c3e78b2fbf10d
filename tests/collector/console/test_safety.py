"""The console in a real browser: a unit sees only its own tickets and cannot take a duty chief's
action; output is escaped; forms need their CSRF token; five wrong passwords lock an account;
uploads are limited to images; the alarm says how to turn its sound on; the Chinese pages render
with a CJK font (screenshots kept in tests/artifacts/)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.config.models import Mode, Role
from collector.store import open_store
from collector.tickets import (
    Action,
    ActionArgs,
    NewTicket,
    apply_action,
    file_incident,
    get_ticket,
    receive,
)
from edge_agent.contract.incident import Level
from tests.collector.builders import example_center, incident
from tests.collector.console.world import PASSWORD, Served

pytestmark = pytest.mark.browser

CHIEF = {"actor": "wang.duty", "role": Role.DUTY_CHIEF}


@pytest.fixture(scope="module")
def cases(console: Served) -> dict[str, int]:
    """A market case dispatched to market supervision, a crowd case accepted by the tourism
    office, and a critical crowd dispatched at once to the four crowd units."""
    db = open_store(console.db_path)
    center, _ = example_center()
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def step(tid: int, action: Action, minutes: int, **kw) -> None:
        who = kw.pop("who", CHIEF)
        at = t0 + timedelta(minutes=minutes)
        apply_action(db, tid, action, ActionArgs(at=at, **who, **kw), center)

    market = receive(
        db, NewTicket("9101", "330421101002002", "桥头无证摆摊", t0), "wang.duty", Role.DUTY_CHIEF
    )
    step(market.id, Action.REGISTER, 1)
    step(market.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("market-supervision",))
    crowd = receive(
        db,
        NewTicket("9001", "330421101001002", "桥面拥挤", t0, level=Level.WARNING),
        "wang.duty",
        Role.DUTY_CHIEF,
    )
    step(crowd.id, Action.REGISTER, 1)
    step(crowd.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("tourism-office",))
    handler = {"actor": "xu.tourism", "role": Role.UNIT_HANDLER, "unit": "tourism-office"}
    step(crowd.id, Action.ACCEPT, 3, who=handler)
    critical = file_incident(
        db, incident(datetime.now(UTC) - timedelta(minutes=2), level="critical")
    )
    db.close()
    return {"market": market.id, "crowd": crowd.id, "critical": critical.ticket_id}


def _ids(page) -> set[int]:
    return {
        int(x)
        for x in page.eval_on_selector_all("tr[data-ticket]", "rs => rs.map(r => r.dataset.ticket)")
    }


def test_a_unit_sees_only_its_tickets_and_cannot_take_a_chiefs_action(
    console: Served, cases, login
):
    market = login("lu.market")
    market.goto(console.url + "/console/")
    assert _ids(market) == {cases["market"]}
    response = market.goto(f"{console.url}/console/tickets/{cases['crowd']}")
    assert response.status == 403
    assert "不属于您所在的单位" in market.inner_text("p.error")
    market.goto(f"{console.url}/console/tickets/{cases['market']}")
    shown = set(market.eval_on_selector_all("form.action", "fs => fs.map(f => f.dataset.action)"))
    assert shown == {"accept", "return"}
    token = market.get_attribute("input[name=csrf_token]", "value")
    refused = market.request.post(
        f"{console.url}/console/tickets/{cases['market']}/act",
        multipart={
            "csrf_token": token,
            "action": "redispatch",
            "mode": "assign",
            "units": "xitang-squad",
        },
    )
    assert refused.status == 403 and "无权" in refused.text()
    assert get_ticket(open_store(console.db_path), cases["market"]).units == ("market-supervision",)
    assert market.goto(console.url + "/console/stats").status == 403


def test_a_leader_reads_but_acts_on_nothing_and_cannot_administer(console: Served, cases, login):
    leader = login("ye.leader")
    leader.goto(f"{console.url}/console/tickets/{cases['crowd']}")
    assert leader.locator("form.action").count() == 0
    response = leader.goto(console.url + "/console/admin")
    assert response.status == 403 and "无权访问此页面" in leader.inner_text("p.error")


def test_a_note_with_script_shows_as_text_and_only_images_upload(
    console: Served, cases, login, shared_data: Path
):
    page = login("xu.tourism")
    page.goto(f"{console.url}/console/tickets/{cases['crowd']}")
    form = page.locator("form[data-action=report]")
    form.locator("textarea[name=note]").fill("不是图片")
    form.locator("input[name=photo]").set_input_files(str(shared_data / "README.md"))
    with page.expect_response(lambda r: r.url.endswith("/act")) as answer:
        form.locator("button.act-report").click()
    assert answer.value.status == 415 and "JPEG 或 PNG" in page.inner_text("p.error")
    page.goto(f"{console.url}/console/tickets/{cases['crowd']}")
    note = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">已处置'
    form = page.locator("form[data-action=report]")
    form.locator("textarea[name=note]").fill(note)
    form.locator("button.act-report").click()
    page.wait_for_load_state()
    assert page.evaluate("window.__xss") is None
    assert page.inner_text("#result-note") == note
    assert page.locator("#result-note img, #result-note script").count() == 0


def test_a_form_without_its_csrf_token_is_refused(console: Served, cases, login):
    chief = login("wang.duty")
    url = f"{console.url}/console/tickets/{cases['market']}/act"
    for fields in ({"action": "redispatch"}, {"action": "redispatch", "csrf_token": "forged"}):
        answer = chief.request.post(
            url, multipart=fields | {"mode": "assign", "units": "fire-safety"}
        )
        assert answer.status == 403 and "CSRF" in answer.text()
    assert get_ticket(open_store(console.db_path), cases["market"]).units == ("market-supervision",)


def test_five_wrong_passwords_lock_the_account(console: Served, login):
    page = None
    for attempt in range(1, 6):
        page = login("li.locked", password=f"wrong-{attempt}", page=page)
        text = page.inner_text("p.error")
        assert ("已锁定" in text) == (attempt == 5), (attempt, text)
    page = login("li.locked", password=PASSWORD, page=page)
    assert "已锁定" in page.inner_text("p.error")
    page.goto(console.url + "/console/")
    assert page.url.startswith(console.url + "/console/login")


def _cjk_font(page) -> bool:
    return page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '案件')")


def test_the_chinese_pages_render_with_a_cjk_font(console: Served, cases, login, artifacts: Path):
    chief = login("wang.duty")
    chief.goto(console.url + "/console/")
    alarm = chief.locator("#critical-alarm")
    assert "大客流危急告警" in alarm.inner_text() and f"#{cases['critical']}" in alarm.inner_text()
    first = _ids(chief)
    assert chief.locator("tr[data-ticket]").first.get_attribute("data-ticket") == str(
        cases["critical"]
    )
    assert first >= {cases["market"], cases["crowd"], cases["critical"]}
    assert chief.get_attribute("body", "data-alarms") == "1"
    assert _cjk_font(chief) and "案件队列" in chief.inner_text("header")
    chief.wait_for_function("document.querySelector('.countdown').textContent.includes('剩余')")
    chief.screenshot(path=str(artifacts / "console-queue.png"), full_page=True)
    chief.goto(f"{console.url}/console/tickets/{cases['critical']}")
    assert "督办" in chief.inner_text("body")
    chief.screenshot(path=str(artifacts / "console-ticket.png"), full_page=True)
    chief.goto(console.url + "/console/map")
    cell = chief.locator("a.cell[data-cell='330421101001002']")
    assert cell.get_attribute("data-open") == "2"
    assert cell.locator("polygon").get_attribute("fill") == "#e53935"  # a critical crowd
    chief.screenshot(path=str(artifacts / "console-map.png"), full_page=True)
    cell.click()
    chief.wait_for_url("**/console/?cell=330421101001002")
    assert _ids(chief) == {cases["crowd"], cases["critical"]}
    chief.click("button[name=locale][value=en]")
    assert "Queue" in chief.inner_text("header")
    chief.click("button[name=locale][value=zh_CN]")
    assert "案件队列" in chief.inner_text("header")


def test_a_new_critical_crowd_raises_the_alarm_without_a_reload(console: Served, cases, login):
    chief = login("wang.duty")
    chief.goto(console.url + "/console/")
    assert chief.get_attribute("body", "data-alarms") == "1"  # the critical crowd already open
    chief.evaluate("window.__sameDocument = true")
    db = open_store(console.db_path)
    payload = incident(
        datetime.now(UTC) - timedelta(minutes=1),
        level="critical",
        camera="alley-01",
        zone="lane-north",
        cell="330421101001001",
    )
    new = file_incident(db, payload).ticket_id
    db.close()
    chief.wait_for_function("document.body.dataset.alarms === '2'", timeout=20_000)
    assert chief.evaluate("window.__sameDocument") is True
    ids = chief.get_attribute("#critical-alarm", "data-ids").split(",")
    assert set(ids) == {str(cases["critical"]), str(new)}
    assert "flash" in chief.get_attribute("#critical-alarm", "class")


def test_the_alarm_sound_waits_for_a_click_and_says_so(console: Served, cases, login):
    """Chromium keeps a page silent until the user clicks or types on it (its autoplay policy):
    the queue says how to turn the sound on, and the first click does."""
    chief = login("wang.duty")
    chief.goto(console.url + "/console/")  # opened from the address bar: no click on it yet
    assert chief.get_attribute("body", "data-sound") == "blocked"
    hint = chief.locator("#sound-hint")
    assert hint.is_visible() and "点击页面任意处即可开启告警声音" in hint.inner_text()
    chief.click("h1")
    chief.wait_for_function("document.body.dataset.sound === 'on'", timeout=10_000)
    assert hint.is_hidden()
