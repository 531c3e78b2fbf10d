"""Administration in the browser: an administrator adds an account that can log in at once in
its role, and makes an API key shown only once; nobody else may open the page."""

from __future__ import annotations

import pytest

from collector.api.keys import check_key
from collector.store import open_store
from tests.collector.console.world import Served

pytestmark = pytest.mark.browser


def test_an_administrator_adds_an_account_and_an_api_key(console: Served, login):
    admin = login("admin")
    admin.goto(console.url + "/console/admin")
    form = admin.locator("form#new-account")
    form.locator("input[name=id]").fill("ma.fire2")
    form.locator("input[name=name]").fill("马涛")
    form.locator("select[name=role]").select_option("unit_handler")
    form.locator("select[name=unit]").select_option("fire-safety")
    form.locator("input[name=password]").fill("fire-safety-1")
    form.locator("button").click()
    admin.wait_for_load_state()
    row = admin.locator("tr[data-account='ma.fire2']")
    assert "责任单位处置人" in row.inner_text() and "西塘消防安全办" in row.inner_text()
    admin.fill("input[name=label]", "县级平台")
    admin.select_option("select[name=scope]", "write")
    admin.select_option("select[name=member]", "zhou.dispatch")  # a write key acts for someone
    admin.click("text=创建密钥")
    secret = admin.inner_text("#new-key code")
    key = check_key(open_store(console.db_path), secret, "write")
    assert (key.label, key.member) == ("县级平台", "zhou.dispatch")
    assert "zhou.dispatch" in admin.inner_text(f"tr[data-key='{key.id}']")
    admin.goto(console.url + "/console/admin")
    assert admin.locator("#new-key").count() == 0 and secret not in admin.content()

    handler = login("ma.fire2", password="fire-safety-1")
    assert "马涛" in handler.inner_text("header") and "统计分析" not in handler.inner_text("header")
    assert handler.goto(console.url + "/console/admin").status == 403
