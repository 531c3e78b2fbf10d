"""The dead-letters page (死信): only the duty chief and the administrator, CSRF on retry and drop,
the kept bytes escaped as text and hex, a retry through the ingest's own validation after a
box's key was rotated, a drop audited under the console user's name."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from collector.api.app import ApiSettings
from collector.console import create_console_app
from collector.console.i18n import MISSING
from collector.deadletters import list_dead_letters, review_trail
from collector.ingest.store import dead_letter, store_batch
from collector.store import open_store
from collector.transport.config import load_config
from collector.transport.service import ingest_limits
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic
from tests.collector.console.world import Served, csrf_token, served
from tests.collector.transport.helpers import KEY_B1, SITE, incident

NEW_KEY = bytes(range(100, 132))  # box b1 after its key was rotated
TOPIC = incident_topic(SITE, "b1", "c1")


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, staff_store: Path) -> Iterator[Served]:
    """A console served with the collector's config (its box-keys file has b1's old key)."""
    tmp = tmp_path_factory.mktemp("deadletters")
    shutil.copyfile(staff_store, tmp / "collector.sqlite")
    (tmp / "box-keys.yaml").write_text(yaml.safe_dump({f"{SITE}/b1": KEY_B1.hex()}))
    config = tmp / "collector.yaml"
    config.write_text(yaml.safe_dump({"db": "collector.sqlite", "box_keys_file": "box-keys.yaml"}))
    settings = ApiSettings(
        str(tmp / "collector.sqlite"), upload_dir=str(tmp / "uploads"), config=str(config)
    )
    MISSING.clear()
    with served(create_console_app(settings)) as url:
        yield Served(url, tmp / "collector.sqlite", tmp / "uploads")
    assert not MISSING, f"untranslated msgids shown in zh-CN: {sorted(MISSING)}"


def _receive(console: Served, n: int, raw_cap: int = 4096) -> list[int]:
    """Incidents of b1 signed with its new key, refused by the ingest (the center has the old)."""
    cfg = load_config(console.db_path.parent / "collector.yaml")
    db = open_store(console.db_path)
    before = {d.id for d in list_dead_letters(db)}
    messages = [
        (TOPIC, json.dumps(sign(incident(i).to_payload(), NEW_KEY, f"{SITE}/b1")).encode())
        for i in range(n)
    ]
    store_batch(db, messages, ingest_limits(cfg), "2026-12-01T08:00:00.000+00:00", raw_cap)
    ids = sorted(d.id for d in list_dead_letters(db) if d.id not in before)
    db.close()
    return ids


def _post(c: httpx.Client, letter: int, what: str, **fields: str) -> httpx.Response:
    token = csrf_token(c.get(f"/console/dead-letters/{letter}").text)
    return c.post(f"/console/dead-letters/{letter}/{what}", data={"csrf_token": token, **fields})


def test_only_the_duty_chief_and_the_administrator_review_dead_letters(console: Served, client):
    (letter,) = _receive(console, 1)
    chief = client("wang.duty")
    page = chief.get("/console/dead-letters")
    assert page.status_code == 200 and 'href="/console/dead-letters">死信</a>' in page.text
    row = re.search(rf'<tr data-letter="{letter}".*?</tr>', page.text, re.S)
    assert row and "签名缺失或错误" in row.group() and "xitang/b1" in row.group()
    assert TOPIC in row.group() and "字节" in row.group()
    assert client("admin").get(f"/console/dead-letters/{letter}").status_code == 200
    for account in ("zhou.dispatch", "ye.leader", "xu.tourism", "sun.inspect"):
        other = client(account)
        refused = other.get("/console/dead-letters")
        assert refused.status_code == 403 and "无权访问此页面" in refused.text, account
        assert "死信" not in other.get("/console/stats").text  # no link in the nav either
        token = csrf_token(other.get("/console/").text)
        drop = other.post(f"/console/dead-letters/{letter}/drop", data={"csrf_token": token})
        assert drop.status_code == 403
    assert letter in {d.id for d in list_dead_letters(open_store(console.db_path))}


def test_retry_and_drop_need_the_forms_csrf_token(console: Served, client):
    (letter,) = _receive(console, 1)
    chief = client("wang.duty")
    for what in ("retry", "drop"):
        for fields in ({}, {"csrf_token": "forged"}):
            answer = chief.post(
                f"/console/dead-letters/{letter}/{what}", data=fields | {"note": "x"}
            )
            assert answer.status_code == 403 and "CSRF" in answer.text
    assert review_trail(open_store(console.db_path), letter) == []


def test_the_kept_bytes_show_escaped_as_text_and_hex(console: Served, client):
    db = open_store(console.db_path)
    raw = b'<script>alert("x")</script>\xff'
    dead_letter(db, TOPIC, raw, "invalid_json", "Expecting value", "2026-12-01T08:00:00+00:00")
    letter = max(d.id for d in list_dead_letters(db))
    db.close()
    page = client("wang.duty").get(f"/console/dead-letters/{letter}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\\xff" in page
    assert "000000  3c 73 63 72 69 70 74 3e" in page and "不是有效的 JSON" in page


def test_a_retry_after_the_key_was_rotated_files_the_incident(console: Served, client):
    (letter,) = _receive(console, 1)
    chief = client("wang.duty")
    again = _post(chief, letter, "retry", note="")
    assert again.status_code == 303 and again.headers["location"].endswith("?refused=1")
    page = chief.get(again.headers["location"]).text
    assert "重试仍被拒绝" in page and "被拒绝：签名缺失或错误" in page
    keys = console.db_path.parent / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({f"{SITE}/b1": NEW_KEY.hex()}))  # the rotation reaches us
    try:
        stored = _post(chief, letter, "retry", note="b1 的新密钥已导入")
    finally:
        keys.write_text(yaml.safe_dump({f"{SITE}/b1": KEY_B1.hex()}))
    assert stored.status_code == 303
    assert f"死信 {letter} 已入库并立案" in chief.get(stored.headers["location"]).text
    db = open_store(console.db_path)
    assert letter not in {d.id for d in list_dead_letters(db)}
    trail = [(r["action"], r["outcome"], r["actor"]) for r in review_trail(db, letter)]
    assert trail == [("retry", "refused: signature", "wang.duty"), ("retry", "stored", "wang.duty")]
    assert db.execute("SELECT COUNT(*) FROM ingest_incidents WHERE filed = 1").fetchone()[0] >= 1


def test_a_drop_needs_a_reason_and_names_the_console_user(console: Served, client):
    (letter,) = _receive(console, 1)
    admin = client("admin")
    refused = _post(admin, letter, "drop", note="  ")
    assert refused.status_code == 400 and "丢弃死信须填写原因" in refused.text
    assert _post(admin, letter, "drop", note="测试消息").status_code == 303
    db = open_store(console.db_path)
    assert letter not in {d.id for d in list_dead_letters(db)}
    (row,) = review_trail(db, letter)
    assert (row["action"], row["actor"], row["note"], row["topic"]) == (
        "drop",
        "admin",
        "测试消息",
        TOPIC,
    )
    (after,) = _receive(console, 1)  # the next refused message: a new id, no inherited trail
    assert after > letter and "测试消息" not in admin.get(f"/console/dead-letters/{after}").text


def test_capped_bytes_cannot_be_retried(console: Served, client):
    (letter,) = _receive(console, 1, raw_cap=100)
    chief = client("wang.duty")
    page = chief.get(f"/console/dead-letters/{letter}").text
    assert "不能重试" in page and 'id="retry"' not in page
    token = csrf_token(page)
    answer = chief.post(f"/console/dead-letters/{letter}/retry", data={"csrf_token": token})
    assert answer.status_code == 409 and "只保留了" in answer.text


@pytest.mark.browser
def test_the_duty_chief_reviews_a_dead_letter_in_the_browser(
    console: Served, login, artifacts: Path
):
    (letter,) = _receive(console, 1)
    chief = login("wang.duty")
    chief.click("nav >> text=死信")
    chief.wait_for_load_state()
    chief.click(f"tr[data-letter='{letter}'] a")
    chief.wait_for_load_state()
    assert chief.inner_text("#letter-reason") == "签名缺失或错误"
    assert '"box": "b1"' in chief.inner_text("#raw-text")
    chief.screenshot(path=str(artifacts / "console-dead-letters.png"), full_page=True)
    chief.fill("form#drop input[name=note]", "重复上报的测试消息")
    chief.click("form#drop button")
    chief.wait_for_load_state()
    assert f"死信 {letter} 已丢弃" in chief.inner_text("#done")
