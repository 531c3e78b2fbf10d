"""The console's forms over plain HTTP (no browser, fast): extension, suspend and resume by the
right people, queue filters, English per user, and the answers for a wrong role or no session."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from collector.config.models import Mode, Role
from collector.console.i18n import catalogue, translator
from collector.console.labels import MODES
from collector.console.web import TZ, local_time
from collector.store import open_store
from collector.tickets import (
    Action,
    ActionArgs,
    NewTicket,
    apply_action,
    get_ticket,
    receive,
    ticket_history,
)
from tests.collector.builders import example_center
from tests.collector.console.world import PASSWORD, Served, csrf_token

CHIEF = {"actor": "wang.duty", "role": Role.DUTY_CHIEF}


def _act(c: httpx.Client, tid: int, action: str, **fields: str) -> httpx.Response:
    token = csrf_token(c.get(f"/console/tickets/{tid}").text)
    return c.post(
        f"/console/tickets/{tid}/act", data={"csrf_token": token, "action": action, **fields}
    )


@pytest.fixture(scope="module")
def accepted(console: Served) -> int:
    db = open_store(console.db_path)
    center, _ = example_center()
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    t = receive(
        db, NewTicket("0101", "330421101002005", "新建棚屋", t0), "wang.duty", Role.DUTY_CHIEF
    )
    apply_action(db, t.id, Action.REGISTER, ActionArgs(at=t0, **CHIEF), center)
    args = ActionArgs(at=t0, mode=Mode.ASSIGN, units=("xitang-squad",), **CHIEF)
    apply_action(db, t.id, Action.DISPATCH, args, center)
    db.close()
    return t.id


def _registered(console: Served) -> int:
    db = open_store(console.db_path)
    center, _ = example_center()
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    new = NewTicket("0101", "330421101002005", "违章搭建", t0)
    t = receive(db, new, "wang.duty", Role.DUTY_CHIEF)
    apply_action(db, t.id, Action.REGISTER, ActionArgs(at=t0, **CHIEF), center)
    db.close()
    return t.id


@pytest.fixture
def taken_up(console: Served) -> int:
    """A ticket of its own that its unit has accepted: a test filtering on that state must not
    depend on another test having moved the shared ``accepted`` ticket on."""
    tid = _registered(console)
    db = open_store(console.db_path)
    center, _ = example_center()
    now = datetime.now(UTC) - timedelta(minutes=5)
    args = ActionArgs(at=now, mode=Mode.ASSIGN, units=("xitang-squad",), **CHIEF)
    apply_action(db, tid, Action.DISPATCH, args, center)
    unit = {"actor": "chen.squad", "role": Role.UNIT_HANDLER, "unit": "xitang-squad"}
    apply_action(db, tid, Action.ACCEPT, ActionArgs(at=now, **unit), center)
    db.close()
    return tid


def test_extension_and_suspension_by_the_right_people(console: Served, client, accepted):
    handler = client("xu.tourism")
    assert handler.get(f"/console/tickets/{accepted}").status_code == 403  # another unit's
    chief = client("wang.duty")
    assert _act(chief, accepted, "accept").status_code == 403  # a unit's step
    db = open_store(console.db_path)
    center, _ = example_center()
    unit = {"actor": "chen.squad", "role": Role.UNIT_HANDLER, "unit": "xitang-squad"}
    apply_action(db, accepted, Action.ACCEPT, ActionArgs(at=datetime.now(UTC), **unit), center)
    due = get_ticket(db, accepted).due_at
    assert _act(chief, accepted, "suspend", note="").status_code == 409  # a note is required
    assert _act(chief, accepted, "suspend", note="当事人补办手续中").status_code == 303
    assert get_ticket(db, accepted).state.value == "suspended"
    assert _act(chief, accepted, "resume").status_code == 303
    assert get_ticket(db, accepted).due_at >= due
    dispatcher = client("zhou.dispatch")
    assert _act(dispatcher, accepted, "close").status_code == 403


def test_queue_filters_and_english_per_user(console: Served, client, taken_up):
    chief = client("wang.duty")
    page = chief.get("/console/", params={"category": "0101", "state": "accepted"}).text
    assert f'data-ticket="{taken_up}"' in page
    assert 'data-ticket="' not in chief.get("/console/", params={"level": "critical"}).text
    assert 'data-ticket="' not in chief.get("/console/", params={"unit": "fire-safety"}).text
    token = csrf_token(page)
    chief.post("/console/language", data={"csrf_token": token, "locale": "en", "next": "/console/"})
    english = chief.get("/console/").text
    assert "Open tickets" in english and "illegal construction" in english
    assert "未结案件" in client("zhou.dispatch").get("/console/").text  # others keep Chinese
    token = csrf_token(english)
    chief.post("/console/language", data={"csrf_token": token, "locale": "zh_CN"})
    assert "未结案件" in chief.get("/console/").text


def test_without_a_session_the_console_asks_to_log_in(console: Served):
    with httpx.Client(base_url=console.url, timeout=10) as anonymous:
        answer = anonymous.get("/console/stats")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/login?next=/console/stats"
        assert anonymous.get("/console/events").status_code == 401
        assert anonymous.get("/open311/v2/docs").status_code == 404  # no CDN-loaded Swagger page


def test_the_login_page_is_chinese_and_a_visitor_may_switch_it_to_english(console: Served):
    with httpx.Client(base_url=console.url, timeout=10) as visitor:
        page = visitor.get("/console/login", params={"next": "/console/stats"}).text
        assert 'lang="zh-CN"' in page and "<h1>登录</h1>" in page and "Password" not in page
        back = "/console/login?next=/console/stats"
        fields = {"csrf_token": csrf_token(page), "next": back}
        assert visitor.post("/console/language", data=fields | {"locale": "fr"}).status_code == 400
        switched = visitor.post("/console/language", data=fields | {"locale": "en"})
        assert switched.status_code == 303 and switched.headers["location"] == back
        english = visitor.get(back).text
        assert 'lang="en"' in english and "<h1>Log in</h1>" in english and "Password" in english
        assert "登录" not in english and 'name="next" value="/console/stats"' in english
        wrong = {
            "username": "zhou.dispatch",
            "password": "not-it",
            "csrf_token": csrf_token(english),
        }
        refused = visitor.post("/console/login", data=wrong)
        assert refused.status_code == 401 and "unknown account or wrong password" in refused.text
        expired = visitor.post("/console/login", data=wrong | {"csrf_token": "stale"})
        assert expired.status_code == 403 and "The form has expired" in expired.text  # error page
        right = wrong | {"password": PASSWORD, "next": "/console/"}
        assert visitor.post("/console/login", data=right).status_code == 303
        assert "未结案件" in visitor.get("/console/").text  # then the account's own language
    with httpx.Client(base_url=console.url, timeout=10) as another:
        assert "<h1>登录</h1>" in another.get("/console/login").text  # a choice per visitor


def test_a_dispatcher_receives_a_case_by_hand_and_a_unit_may_not(console: Served, client):
    dispatcher = client("zhou.dispatch")
    token = csrf_token(dispatcher.get("/console/").text)
    fields = {
        "csrf_token": token,
        "category": "9102",
        "cell": "330421101003001",
        "source": "hotline",
        "title": "<b>消防通道被三轮车堵住</b>",
    }
    answer = dispatcher.post("/console/tickets/new", data=fields)
    assert answer.status_code == 303
    page = dispatcher.get(answer.headers["location"]).text
    assert "&lt;b&gt;消防通道被三轮车堵住&lt;/b&gt;" in page and "热线" in page
    assert (
        _act(dispatcher, int(answer.headers["location"].rsplit("/", 1)[1]), "register").status_code
        == 303
    )
    bad = dispatcher.post("/console/tickets/new", data=fields | {"cell": "330421101999999"})
    assert bad.status_code == 400 and "未知网格 330421101999999" in bad.text
    handler = client("xu.tourism")
    token = csrf_token(handler.get("/console/").text)
    refused = handler.post("/console/tickets/new", data=fields | {"csrf_token": token})
    assert refused.status_code == 403 and "无权访问此页面" in refused.text


def test_a_workflow_refusal_shows_in_the_users_language(console: Served, client):
    tid = _registered(console)
    chief = client("wang.duty")
    fields = {"mode": "assign", "units": "xitang-squad", "hours": "5000"}
    refused = _act(chief, tid, "dispatch", **fields)
    assert refused.status_code == 409
    assert "处置时限须大于 0 且不超过 2000 小时" in refused.text
    assert "deadline must" not in refused.text
    wrong_role = _act(chief, tid, "accept")  # a unit's step, and not in this state either
    assert wrong_role.status_code == 403
    assert "在“已立案”状态下不能“签收”；可进行的操作：派遣、作废、标记为重复" in wrong_role.text
    token = csrf_token(chief.get("/console/").text)
    chief.post("/console/language", data={"csrf_token": token, "locale": "en"})
    english = _act(chief, tid, "dispatch", **fields | {"mode": "supervise"})
    assert english.status_code == 409
    assert "supervise mode dispatches to two or more units; got 1" in english.text
    token = csrf_token(chief.get("/console/").text)
    chief.post("/console/language", data={"csrf_token": token, "locale": "zh_CN"})


def test_a_case_filed_through_an_api_key_names_the_member_and_the_key(console: Served, client):
    from collector.tickets.desk import Actor, CaseReport, receive_case

    db = open_store(console.db_path)
    who = Actor("zhou.dispatch", None, datetime.now(UTC))
    t = receive_case(db, who, CaseReport("0101", "330421101002005", "巡查上报"), via_key="1a2b3c4d")
    db.close()
    page = client("wang.duty").get(f"/console/tickets/{t.id}").text
    assert "zhou.dispatch (派遣员)" in page and "经 API 密钥 1a2b3c4d" in page


def test_account_refusals_show_in_chinese_on_the_admin_and_login_pages(console: Served, client):
    admin = client("admin")
    token = csrf_token(admin.get("/console/admin").text)
    fields = {"csrf_token": token, "name": "王军", "role": "duty_chief", "unit": ""}
    exists = admin.post(
        "/console/admin/accounts", data=fields | {"id": "wang.duty"} | {"password": "long-enough-1"}
    )
    assert exists.status_code == 400 and "账号 wang.duty 已存在" in exists.text
    weak = admin.post(
        "/console/admin/accounts", data=fields | {"id": "wu.new", "password": "short"}
    )
    assert weak.status_code == 400 and "账号 wu.new：密码至少需要 8 个字符" in weak.text
    revoked = admin.post("/console/admin/keys/ffffffff/revoke", data={"csrf_token": token})
    assert revoked.status_code == 400 and "没有编号为“ffffffff”的 API 密钥" in revoked.text
    with httpx.Client(base_url=console.url, timeout=10) as visitor:
        token = csrf_token(visitor.get("/console/login").text)
        wrong = {"username": "zhou.dispatch", "password": "not-it", "csrf_token": token}
        refused = visitor.post("/console/login", data=wrong)
    assert refused.status_code == 401 and "账号不存在或密码错误" in refused.text


def test_statistics_name_cells_in_chinese_and_the_report_follows_the_users_language(
    console: Served, client, accepted
):
    chief = client("wang.duty")
    month = (datetime.now(UTC) - timedelta(minutes=30)).astimezone(TZ).strftime("%Y-%m")
    page = chief.get("/console/stats", params={"period": month}).text
    center, _ = example_center()
    cell = catalogue("zh_CN")[center.cells["330421101002005"].name]
    by_cell = re.search(r'<table id="by-cell">.*?</table>', page, re.S)
    assert by_cell and f"330421101002005 {cell}" in by_cell.group()
    assert center.cells["330421101002005"].name not in page  # no English name on a Chinese page
    assert "单位考核排名（百分制）" in chief.get("/console/report", params={"period": month}).text
    token = csrf_token(page)
    back = f"/console/stats?period={month}"
    switched = chief.post(
        "/console/language", data={"csrf_token": token, "locale": "en", "next": back}
    )
    assert switched.status_code == 303 and switched.headers["location"] == back
    english = chief.get("/console/report", params={"period": month}).text
    assert "Unit league table (100-point score)" in english and 'lang="en"' in english
    page = chief.get(back).text
    assert f'name="next" value="/console/stats?period={month}"' in page  # the filters kept
    chief.post("/console/language", data={"csrf_token": csrf_token(page), "locale": "zh_CN"})


def test_the_queue_shows_each_deadline_beside_its_light(console: Served, client, accepted):
    chief = client("wang.duty")
    page = chief.get("/console/").text
    row = re.search(rf'<tr [^>]*data-ticket="{accepted}".*?</tr>', page, re.S)
    due = get_ticket(open_store(console.db_path), accepted).due_at
    assert (
        row and f'<small class="due">{local_time(due, translator("zh_CN"))}</small>' in row.group()
    )


def test_the_timeline_shows_each_steps_mode_and_the_deadline_it_set(
    console: Served, client, accepted
):
    page = client("wang.duty").get(f"/console/tickets/{accepted}").text
    timeline = re.search(r'<ol class="timeline" id="timeline">.*?</ol>', page, re.S)
    assert timeline
    steps = timeline.group().split("<li ")[1:]
    dispatch = next(s for s in steps if "派遣" in s and "→" in s)
    entry = next(h for h in ticket_history(open_store(console.db_path), accepted)
                 if h.action == "dispatch")  # fmt: skip
    due = datetime.fromisoformat(entry.data["due_at"])
    mode = catalogue("zh_CN")[MODES["assign"]]
    assert f'<span class="mode">{mode}</span>' in dispatch
    assert f'<span class="due">期限 {local_time(due, translator("zh_CN"))}</span>' in dispatch


def test_a_suspended_ticket_does_not_count_down(console: Served, client, accepted, taken_up):
    """Its clock is paused (the deadline moves on at resume): no countdown toward it."""
    tid = taken_up
    db = open_store(console.db_path)
    center, _ = example_center()
    now = datetime.now(UTC) - timedelta(minutes=5)
    apply_action(db, tid, Action.SUSPEND, ActionArgs(at=now, note="等待鉴定", **CHIEF), center)
    db.close()
    page = client("wang.duty").get("/console/").text
    row = re.search(rf'<tr [^>]*data-ticket="{tid}".*?</tr>', page, re.S)
    assert row and "计时暂停" in row.group() and 'class="countdown"' not in row.group()
    other = re.search(rf'<tr [^>]*data-ticket="(?!{tid}")\d+".*?</tr>', page, re.S)
    assert other and 'class="countdown"' in other.group()  # a running clock still counts down
