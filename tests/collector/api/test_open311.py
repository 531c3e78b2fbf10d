"""The GeoReport v2 routes over real HTTP: key scopes, filters, one request, POST, media, errors."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime

import httpx
import pytest

from collector.open311.status_map import STATUS_MAP
from collector.store import open_store
from collector.tickets import State, list_tickets
from collector.tickets.model import Ticket
from tests.collector.api.conftest import ApiWorld
from tests.collector.builders import example_center

WOLONG = "330421101001002"  # Wolong bridge: lon 120.884-120.886, lat 30.9455-30.947


def _tickets(world: ApiWorld) -> list[Ticket]:
    db = open_store(world.db_path)
    try:
        return list_tickets(db)
    finally:
        db.close()


def _ids(answer: httpx.Response) -> set[int]:
    assert answer.status_code == 200, answer.text
    return {int(r["service_request_id"]) for r in answer.json()}


def _geo_error(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == status
    assert body[0]["description"]
    return body[0]["description"]


def test_every_workflow_state_has_a_georeport_status() -> None:
    assert set(STATUS_MAP) == {s.value for s in State}
    assert {g.status for g in STATUS_MAP.values()} == {"open", "closed"}


@pytest.mark.parametrize(
    ("method", "path", "key", "status"),
    [
        ("GET", "/services.json", None, 401),
        ("GET", "/requests.json", None, 401),
        ("GET", "/requests.json", "gwk_00000000_forged", 401),
        ("GET", "/requests.json", "not-a-key", 401),
        ("POST", "/requests.json", None, 401),
        ("POST", "/requests.json", "read", 403),
    ],
)
def test_key_scopes_refuse_in_georeport_format(
    api: httpx.Client, world: ApiWorld, method: str, path: str, key: str | None, status: int
) -> None:
    secret = {"read": world.read_key, "write": world.write_key}.get(key or "", key)
    params = {"api_key": secret} if secret else {}
    form = {"service_code": "0101", "address_id": WOLONG}
    answer = api.request(method, path, params=params, data=form if method == "POST" else None)
    _geo_error(answer, status)


@pytest.mark.parametrize("how", ["query", "header", "form"])
def test_write_key_files_a_request(api: httpx.Client, world: ApiWorld, how: str) -> None:
    form = {"service_code": "9102", "lat": "30.946", "long": "120.885", "description": how}
    params, headers = {}, {}
    if how == "query":
        params["api_key"] = world.write_key
    elif how == "header":
        headers["X-Api-Key"] = world.write_key
    else:
        form["api_key"] = world.write_key
    answer = api.post("/requests.json", data=form, params=params, headers=headers)
    assert answer.status_code == 201, answer.text
    new_id = answer.json()[0]["service_request_id"]
    got = api.get(f"/requests/{new_id}.json", params={"api_key": world.read_key}).json()[0]
    assert (got["address_id"], got["service_code"], got["description"]) == (WOLONG, "9102", how)
    assert (got["lat"], got["long"]) == (30.946, 120.885)
    assert got["status"] == "open" and got["extended_attributes"]["state"] == "received"
    assert got["extended_attributes"]["source"] == "citizen"


def test_post_as_json_with_a_cell_code(api: httpx.Client, world: ApiWorld) -> None:
    body = {"service_code": "0101", "address_id": WOLONG, "source": "patrol"}
    answer = api.post("/requests.json", json=body, headers={"X-Api-Key": world.write_key})
    assert answer.status_code == 201, answer.text
    new_id = int(answer.json()[0]["service_request_id"])
    ticket = next(t for t in _tickets(world) if t.id == new_id)
    assert (ticket.state, ticket.grid_cell, ticket.source) == (State.RECEIVED, WOLONG, "patrol")


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"service_code": "0101"}, "lat/long or address_id"),
        ({"service_code": "7777", "address_id": WOLONG}, "not a known service"),
        ({"service_code": "0101", "lat": "10", "long": "10"}, "in no grid cell"),
        ({"service_code": "0101", "lat": "30.946"}, "both lat and long"),
        ({"service_code": "0101", "address_id": "330421101009999"}, "not a known grid cell"),
        ({"service_code": "0101", "address_id": WOLONG, "colour": "red"}, "colour"),
    ],
)
def test_bad_post_is_a_georeport_400(
    api: httpx.Client, world: ApiWorld, form: dict, words: str
) -> None:
    answer = api.post("/requests.json", data=form, headers={"X-Api-Key": world.write_key})
    assert words in _geo_error(answer, 400)


def test_a_post_waits_for_another_writer(api: httpx.Client, world: ApiWorld) -> None:
    body = {"service_code": "0101", "address_id": WOLONG}
    other = open_store(world.db_path)
    other.execute("BEGIN IMMEDIATE")  # e.g. the ingest filing a round of incidents
    answers: list[httpx.Response] = []
    post = threading.Thread(
        target=lambda: answers.append(
            api.post("/requests.json", json=body, headers={"X-Api-Key": world.write_key})
        )
    )
    post.start()
    post.join(0.5)  # the request arrived and waits for the write lock
    other.execute("COMMIT")
    other.close()
    post.join(30)
    assert len(answers) == 1 and answers[0].status_code == 201, answers[0].text


def test_revoked_key_is_refused(api: httpx.Client, world: ApiWorld) -> None:
    from collector.api.keys import create_key, revoke_key

    db = open_store(world.db_path)
    created = create_key(db, "write", "old", "2026-10-01T00:00:00+00:00", "wang.duty")
    revoke_key(db, created.key.id, "2026-10-02T00:00:00+00:00")
    db.close()
    answer = api.get("/services.json", params={"api_key": created.secret})
    assert "revoked" in _geo_error(answer, 401)


def test_services_are_the_categories(api: httpx.Client, world: ApiWorld) -> None:
    got = api.get("/services.json", params={"api_key": world.read_key}).json()
    center = example_center()[0]
    assert [s["service_code"] for s in got] == sorted(c.code for c in center.categories)
    assert {s["service_name"] for s in got} == {c.name for c in center.categories}


def _expect(tickets: list[Ticket], **f: object) -> set[int]:
    out = set()
    for t in tickets:
        status = STATUS_MAP[t.state.value]
        if "status" in f and f["status"] not in (status.status, status.detailed):
            continue
        if "service_code" in f and t.category != f["service_code"]:
            continue
        if "cell" in f and not t.grid_cell.startswith(str(f["cell"])):
            continue
        if "unit" in f and f["unit"] not in t.units:
            continue
        if "start" in f and t.received_at < f["start"]:  # type: ignore[operator]
            continue
        if "end" in f and t.received_at > f["end"]:  # type: ignore[operator]
            continue
        out.add(t.id)
    return out


_START = datetime.fromisoformat("2026-08-01T00:00:00+08:00")
_END = datetime.fromisoformat("2026-08-31T23:59:59+08:00")


@pytest.mark.parametrize(
    ("params", "oracle"),
    [
        ({}, {}),
        ({"status": "open"}, {"status": "open"}),
        ({"status": "closed"}, {"status": "closed"}),
        ({"status": "in_progress"}, {"status": "in_progress"}),
        ({"service_code": "9001"}, {"service_code": "9001"}),
        ({"cell": WOLONG}, {"cell": WOLONG}),
        ({"cell": "330421101002"}, {"cell": "330421101002"}),
        ({"unit": "tourism-office"}, {"unit": "tourism-office"}),
        ({"start_date": _START.isoformat()}, {"start": _START}),
        (
            {"start_date": "2026-07-31T16:00:00Z", "end_date": _END.isoformat()},
            {"start": _START, "end": _END},
        ),
        (
            {"service_code": "0101", "status": "closed", "cell": "330421101"},
            {"service_code": "0101", "status": "closed", "cell": "330421101"},
        ),
    ],
)
def test_filters_match_the_tickets(
    api: httpx.Client, world: ApiWorld, params: dict, oracle: dict
) -> None:
    expected = _expect(_tickets(world), **oracle)
    assert expected or params == {"status": "in_progress"}  # the data exercises the filter
    got = _ids(api.get("/requests.json", params=params | {"api_key": world.read_key}))
    assert got == expected


@pytest.mark.parametrize("zone", ["+00:00", "+08:00"])
def test_date_bounds_are_inclusive(api: httpx.Client, world: ApiWorld, zone: str) -> None:
    first = min(_tickets(world), key=lambda t: t.id)
    when = first.received_at.astimezone(datetime.fromisoformat(f"2026-01-01T00:00{zone}").tzinfo)
    bounds = {"start_date": when.isoformat(), "end_date": when.isoformat()}
    got = _ids(api.get("/requests.json", params=bounds | {"api_key": world.read_key}))
    assert got == _expect(_tickets(world), start=when, end=when) and first.id in got


def test_ids_filter_and_limit(api: httpx.Client, world: ApiWorld) -> None:
    some = sorted(t.id for t in _tickets(world))[:5]
    key = {"api_key": world.read_key}
    got = _ids(
        api.get("/requests.json", params=key | {"service_request_id": ",".join(map(str, some))})
    )
    assert got == set(some)
    assert len(api.get("/requests.json", params=key | {"limit": 3}).json()) == 3


def test_one_request_carries_dispatch_deadline_and_evidence(
    api: httpx.Client, world: ApiWorld
) -> None:
    key = {"api_key": world.read_key}
    dispatched = next(t for t in _tickets(world) if t.state is State.ACCEPTED and t.due_at)
    got = api.get(f"/requests/{dispatched.id}.json", params=key).json()[0]
    names = {u.id: u.name for u in example_center()[0].units}
    assert got["agency_responsible"] == ", ".join(names[u] for u in dispatched.units)
    assert datetime.fromisoformat(got["expected_datetime"]) == dispatched.due_at
    assert got["extended_attributes"]["detailed_status"] == "in_progress"

    cam = api.get(f"/requests/{world.camera_ticket}.json", params=key).json()[0]
    assert cam["media_url"].endswith(f"/media/{world.evidence_name}")
    camera = next(c for c in example_center()[0].cameras if c.id == "bridge-01")
    assert (cam["long"], cam["lat"]) == tuple(camera.location)
    assert cam["address"].startswith("Wolong bridge")
    image = httpx.get(cam["media_url"], params=key)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    db = open_store(world.db_path)
    sha = db.execute("SELECT sha256 FROM evidence_files WHERE name = ?", [world.evidence_name])
    assert hashlib.sha256(image.content).hexdigest() == sha.fetchone()[0]
    db.close()


def test_media_from_the_evidence_directory(api: httpx.Client, world: ApiWorld) -> None:
    answer = api.get("/media/patrol-photo.jpg", params={"api_key": world.read_key})
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.content == (world.evidence_dir / "patrol-photo.jpg").read_bytes()
    assert api.get("/media/patrol-photo.jpg").status_code == 401


@pytest.mark.parametrize(
    "name", ["..%2Fcollector.sqlite", "%2E%2E", ".hidden.jpg", "missing.jpg", "a%2Fb.jpg"]
)
def test_media_never_leaves_the_evidence_dir(api: httpx.Client, world: ApiWorld, name: str) -> None:
    answer = api.get(f"/media/{name}", params={"api_key": world.read_key})
    assert answer.status_code in (400, 404)
    assert answer.json()[0]["code"] == answer.status_code
    assert b"SQLite" not in answer.content


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/requests/999999.json", {}, 404),
        ("/requests/abc.json", {}, 400),
        ("/requests.json", {"status": "bogus"}, 400),
        ("/requests.json", {"start_date": "yesterday"}, 400),
        ("/requests.json", {"cell": "12"}, 400),
        ("/services/7777.json", {}, 404),
        ("/nowhere.json", {}, 404),
    ],
)
def test_errors_are_georeport_lists(
    api: httpx.Client, world: ApiWorld, path: str, params: dict, status: int
) -> None:
    _geo_error(api.get(path, params=params | {"api_key": world.read_key}), status)


def test_public_reads_need_no_key_but_writes_still_do(world: ApiWorld) -> None:
    from collector.api.app import ApiSettings, create_app
    from tests.collector.api.conftest import served

    app = create_app(ApiSettings(str(world.db_path), public_reads=True))
    with served(app) as root, httpx.Client(base_url=root) as client:
        assert client.get("/services.json").status_code == 200
        form = {"service_code": "0101", "address_id": WOLONG}
        _geo_error(client.post("/requests.json", data=form), 401)


def test_a_write_key_files_as_its_member_and_a_disabled_member_is_refused(
    api: httpx.Client, world: ApiWorld
) -> None:
    from collector.accounts import create_account, update_account
    from collector.api.keys import create_key
    from collector.config.models import Role
    from collector.tickets import ticket_history

    db = open_store(world.db_path)
    create_account(db, "liu.app", "刘洋", Role.DISPATCHER, None, "pass-word-1", datetime.now())
    created = create_key(db, "write", "patrol app", "2026-10-01T00:00:00+00:00", "liu.app")
    db.close()
    form = {"service_code": "0101", "address_id": WOLONG, "api_key": created.secret}
    answer = api.post("/requests.json", data=form)
    assert answer.status_code == 201, answer.text
    new_id = int(answer.json()[0]["service_request_id"])
    db = open_store(world.db_path)
    first = ticket_history(db, new_id)[0]
    assert (first.action, first.actor, first.role) == ("receive", "liu.app", "dispatcher")
    assert first.data == {"api_key": created.key.id}
    update_account(db, "liu.app", disabled=True)
    db.close()
    refused = _geo_error(api.post("/requests.json", data=form), 403)
    assert refused == (
        f"API key {created.key.id} acts for liu.app, who may not file requests: "
        "liu.app: the account is disabled"
    )
