"""A whole case through the browser by three people: an incident arrives over a real Mosquitto,
shows in the duty chief's queue without a reload, is dispatched in supervise mode to two units,
accepted and reported with a photo by a unit handler, failed then passed by the inspector, closed;
the statistics page counts it and the audit trail names each real actor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import pytest

from collector.ingest.filing import default_filer
from collector.store import open_store
from collector.tickets import get_ticket, ticket_history
from collector.transport.service import IngestService
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.publish import MqttPublisher
from tests.collector.console.world import Served
from tests.collector.transport.helpers import (
    SITE,
    agent_config,
    collector_config,
    load_agent,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CELL = "330421101001001"


@pytest.fixture
def ingest(console: Served, mosquitto, tmp_path: Path) -> Iterator[IngestService]:
    cfg = collector_config(tmp_path / "collector", mosquitto.url, db=str(console.db_path))
    svc = IngestService(cfg, filer=default_filer())
    svc.start()
    wait_until(lambda: svc.client.connected, 15, "collector connected")
    yield svc
    svc.stop()


@pytest.fixture
def publisher(mosquitto, tmp_path: Path) -> Iterator[MqttPublisher]:
    path = agent_config(tmp_path / "agent", mosquitto.url)
    pub = MqttPublisher.from_config(load_agent(path), base_dir=path.parent)
    pub.start()
    yield pub
    pub.stop(drain_timeout_s=0.5)


def _crowd_frame(shared_data: Path):
    cap = cv2.VideoCapture(str(shared_data / "video" / "one-by-one-person.mp4"))
    ok, frame = cap.read()
    cap.release()
    assert ok, "cannot read the sample clip"
    return cv2.resize(frame, (320, 180))


def _incident(pub: MqttPublisher, shared_data: Path) -> Incident:
    now = datetime.now(UTC) - timedelta(seconds=5)
    inc = Incident(
        id=new_id(),
        seq=0,
        site=SITE,
        box="b1",
        camera="c1",
        zone="z1",
        grid_cell=CELL,
        kind=IncidentKind.CROWD_DENSITY,
        level=Level.WARNING,
        state=EventState.OPENED,
        started_at=now - timedelta(seconds=30),
        observed_at=now,
        metrics={"count": 46, "density": 2.4},
    )
    store = EvidenceStore(pub.evidence_dir, max_bytes=200_000)
    ev = store.save(inc.id, 0, "annotated", _crowd_frame(shared_data))
    return replace(inc, evidence=(ev,))


def _act(page, action: str, note: str = "", photo: Path | None = None) -> None:
    form = page.locator(f"form[data-action={action}]")
    if note:
        form.locator("textarea[name=note]").fill(note)
    if photo is not None:
        form.locator("input[name=photo]").set_input_files(str(photo))
    form.locator(f"button.act-{action}").click()
    page.wait_for_load_state()


def _state(page) -> str:
    return page.get_attribute("#ticket-state", "data-state")


def test_a_case_from_camera_to_closure_by_three_people(
    console: Served, ingest, publisher, login, shared_data: Path, artifacts: Path
):
    chief = login("wang.duty")
    chief.goto(console.url + "/console/")
    assert chief.locator("tr[data-ticket]").count() == 0
    chief.evaluate("window.__sameDocument = true")
    publisher.emit(_incident(publisher, shared_data))
    row = chief.wait_for_selector("tr[data-ticket]", timeout=30_000)
    assert chief.evaluate("window.__sameDocument") is True, "the queue was reloaded"
    tid = int(row.get_attribute("data-ticket"))
    assert "人员密度超限" in row.inner_text() and "预警" in row.inner_text()

    chief.click(f"a[href='/console/tickets/{tid}']")
    chief.click("img.evidence")  # the annotated crowd frame, enlarged
    assert chief.locator("dialog#zoom[open]").count() == 1
    chief.keyboard.press("Escape")
    _act(chief, "register")
    assert _state(chief) == "registered"
    form = chief.locator("form[data-action=dispatch]")
    form.locator("select[name=mode]").select_option("supervise")
    for box in form.locator("input[name=units]").all():
        box.set_checked(box.get_attribute("value") in ("tourism-office", "police-xitang"))
    form.locator("input[name=hours]").fill("1.5")  # the chief's deadline (crowds: 24/7 clock)
    form.locator("button.act-dispatch").click()
    chief.wait_for_load_state()
    assert _state(chief) == "dispatched"
    t = get_ticket(open_store(console.db_path), tid)
    assert set(t.units) == {"tourism-office", "police-xitang"} and t.mode == "supervise"
    assert t.due_at - t.dispatched_at == timedelta(hours=1.5)

    handler = login("xu.tourism")
    handler.goto(f"{console.url}/console/tickets/{tid}")
    _act(handler, "accept")
    photo = shared_data / "change" / "levir" / "B" / "test_2_0000_0512.png"
    _act(handler, "report", note="已疏导人流，桥面恢复通行", photo=photo)
    assert _state(handler) == "reported"
    assert handler.locator("#result-photo").evaluate("img => img.naturalWidth") == 256

    photo_url = console.url + handler.get_attribute("#result-photo", "src")
    evidence_url = console.url + handler.get_attribute("img.evidence", "src")
    other_unit = login("lu.market")
    assert other_unit.request.get(photo_url).status == 404  # not its ticket: not its files
    assert other_unit.request.get(evidence_url).status == 404

    inspector = login("sun.inspect")
    inspector.goto(f"{console.url}/console/tickets/{tid}")
    assert inspector.request.get(photo_url).headers["content-type"] == "image/png"
    _act(inspector, "verify_fail", note="现场仍有拥堵")
    assert _state(inspector) == "accepted"
    handler.reload()
    _act(handler, "report", note="增派人员后已疏散")
    inspector.reload()
    _act(inspector, "verify_pass")
    assert _state(inspector) == "verified"
    chief.reload()
    _act(chief, "close")
    assert _state(chief) == "closed"
    chief.screenshot(path=str(artifacts / "console-ticket-closed.png"), full_page=True)

    chief.goto(console.url + "/console/stats")
    assert chief.inner_text("#fig-received") == "1"
    assert chief.inner_text("#fig-solved") == "1"
    assert chief.inner_text("#fig-completion") == "100.0%"
    publisher.update_camera("c1", "reconnecting", fps=0.0)  # the status topic, kept by the ingest

    def camera_shown() -> bool:
        chief.goto(console.url + "/console/boxes")
        row = chief.locator("tr[data-camera=c1]")
        return row.count() == 1 and "重连中" in row.inner_text()

    wait_until(camera_shown, 20, "the camera's state on the boxes page")
    assert "在线" in chief.inner_text("section[data-box=b1] h2")
    history = ticket_history(open_store(console.db_path), tid)
    steps = [(h.action, h.actor, h.role) for h in history]
    assert steps == [
        ("receive", "platform", "system"),
        ("register", "wang.duty", "duty_chief"),
        ("dispatch", "wang.duty", "duty_chief"),
        ("accept", "xu.tourism", "unit_handler"),
        ("report", "xu.tourism", "unit_handler"),
        ("verify_fail", "sun.inspect", "inspector"),
        ("report", "xu.tourism", "unit_handler"),
        ("verify_pass", "sun.inspect", "inspector"),
        ("close", "wang.duty", "duty_chief"),
    ]
