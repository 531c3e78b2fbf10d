"""Fixtures of the console tests: a served console on a fresh store, headless Chromium from
Debian driven by Playwright, and a log-in helper. Every page rendered in zh-CN must find all its
words in the catalogue: a module whose pages asked for an untranslated msgid fails."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from collector.console.i18n import MISSING
from tests.collector.console.world import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    Served,
    console_app,
    csrf_token,
    make_store,
    served,
)


@pytest.fixture(scope="session")
def staff_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The center and the staff's accounts, made once (argon2 hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("staff") / "collector.sqlite"
    make_store(path)
    return path


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, staff_store: Path) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("console")
    db_path, uploads = tmp / "collector.sqlite", tmp / "uploads"
    shutil.copyfile(staff_store, db_path)
    MISSING.clear()
    with served(console_app(db_path, uploads)) as url:
        yield Served(url, db_path, uploads)
    assert not MISSING, f"untranslated msgids shown in zh-CN: {sorted(MISSING)}"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login(browser, console: Served) -> Iterator[Callable]:
    """``login(account)`` -> a page of a new browser context, logged in as ``account``
    (``page=``: log in again on that page)."""
    contexts = []

    def make(account: str, password: str = PASSWORD, page=None):
        if page is None:
            ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            ctx.set_default_timeout(15_000)
            contexts.append(ctx)
            page = ctx.new_page()
        page.goto(console.url + "/console/login")
        page.fill("input[name=username]", account)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def client(console: Served) -> Iterator[Callable[[str], httpx.Client]]:
    """``client(account)``: an HTTP client logged in to the console as ``account``."""
    opened: list[httpx.Client] = []

    def make(account: str) -> httpx.Client:
        c = httpx.Client(base_url=console.url, timeout=10)
        opened.append(c)
        token = csrf_token(c.get("/console/login").text)
        form = {"username": account, "password": PASSWORD, "csrf_token": token}
        answer = c.post("/console/login", data=form)
        assert answer.status_code == 303, answer.text
        return c

    yield make
    for c in opened:
        c.close()
