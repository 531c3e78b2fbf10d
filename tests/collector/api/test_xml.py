"""GeoReport v2 in both formats: the PyPI ``georeport`` client reads JSON and XML alike; every
call and every error also answers in XML, read here with ``xml.etree`` (never string matching)."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

import httpx
import pytest
from georeport import GeoReport

from collector.api.app import ApiSettings, create_app
from tests.collector.api.conftest import ApiWorld, served

WOLONG = "330421101001002"


@pytest.fixture(scope="module")
def public_root(world: ApiWorld) -> Iterator[str]:
    """The API as ``collector serve --public-reads`` serves it (the client sends no key on GETs)."""
    app = create_app(ApiSettings(str(world.db_path), str(world.evidence_dir), public_reads=True))
    with served(app) as root:
        yield root


@pytest.fixture(scope="module")
def keyed_root(app) -> Iterator[str]:
    with served(app) as root:
        yield root


def _xml(answer: httpx.Response, status: int) -> ET.Element:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    return ET.fromstring(answer.content)


def _error(answer: httpx.Response, status: int) -> str:
    root = _xml(answer, status)
    assert root.tag == "errors"
    (error,) = root.findall("error")
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""


def test_the_georeport_client_reads_both_formats_alike(public_root: str) -> None:
    as_json, as_xml = GeoReport(public_root), GeoReport(public_root, output_format="xml")
    services_json, services_xml = as_json.get_service_list(), as_xml.get_service_list()
    assert [s["service_code"] for s in services_xml] == [s["service_code"] for s in services_json]
    assert services_xml[0]["metadata"] == "false" and services_json[0]["metadata"] is False
    code = services_json[0]["service_code"]
    assert as_xml.get_service_definition(code)["service_code"] == code
    assert as_json.get_service_definition(code)["service_code"] == code
    listed_json = as_json.get_service_requests(status="open")
    listed_xml = as_xml.get_service_requests(status="open")
    assert len(listed_json) > 1
    ids = [r["service_request_id"] for r in listed_json]
    assert [r["service_request_id"] for r in listed_xml] == ids
    one_json, one_xml = as_json.get_service_request(ids[0]), as_xml.get_service_request(ids[0])
    for key in ("service_request_id", "status", "service_code", "requested_datetime"):
        assert one_xml[key] == one_json[key], key
    extended = one_xml["extended_attributes"]
    assert extended["state"] == one_json["extended_attributes"]["state"]
    assert extended["version"] == str(one_json["extended_attributes"]["version"])


def test_discovery_and_service_definition_in_spec_element_names(public_root: str) -> None:
    doc = _xml(httpx.get(f"{public_root}/discovery.xml"), 200)
    assert doc.tag == "discovery"
    endpoint = doc.find("endpoints/endpoint")
    assert endpoint is not None
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    services = _xml(httpx.get(f"{public_root}/services.xml"), 200)
    code = services.findtext("service/service_code")
    definition = _xml(httpx.get(f"{public_root}/services/{code}.xml"), 200)
    assert definition.tag == "service_definition" and definition.findtext("service_code") == code
    assert definition.find("attributes") is not None


def test_filters_apply_in_xml_as_in_json(public_root: str) -> None:
    params = {"status": "closed", "limit": "3"}
    in_json = httpx.get(f"{public_root}/requests.json", params=params).json()
    in_xml = _xml(httpx.get(f"{public_root}/requests.xml", params=params), 200)
    assert in_xml.tag == "service_requests"
    requests = in_xml.findall("request")
    assert [r.findtext("service_request_id") for r in requests] == [
        r["service_request_id"] for r in in_json
    ]
    assert {r.findtext("status") for r in requests} == {"closed"}


def test_post_requests_xml_files_a_ticket(keyed_root: str, world: ApiWorld) -> None:
    form = {"service_code": "9102", "address_id": WOLONG, "description": "xml post"}
    answer = httpx.post(
        f"{keyed_root}/requests.xml", data=form, headers={"X-Api-Key": world.write_key}
    )
    created = _xml(answer, 201)
    assert created.tag == "service_requests"
    new_id = created.findtext("request/service_request_id")
    assert new_id and new_id.isdigit()
    read = {"api_key": world.read_key}
    got = _xml(httpx.get(f"{keyed_root}/requests/{new_id}.xml", params=read), 200)
    assert got.findtext("request/description") == "xml post"
    assert got.findtext("request/extended_attributes/source") == "citizen"


@pytest.mark.parametrize(
    ("method", "path", "params", "status", "words"),
    [
        ("GET", "/services.xml", {}, 401, "key"),
        ("GET", "/requests/999999.xml", "read", 404, "999999"),
        ("GET", "/requests.xml", {"status": "lost", "api_key": "read"}, 400, "status"),
        ("GET", "/services/0000.xml", "read", 404, "0000"),
        ("POST", "/requests.xml", "read", 403, "scope"),
        ("GET", "/nothing.xml", "read", 404, ""),
    ],
)
def test_errors_are_xml_too(
    keyed_root: str, world: ApiWorld, method: str, path: str, params, status: int, words: str
) -> None:
    if params == "read":
        params = {"api_key": world.read_key}
    elif params.get("api_key") == "read":
        params = params | {"api_key": world.read_key}
    form = {"service_code": "9102", "address_id": WOLONG} if method == "POST" else None
    answer = httpx.request(method, f"{keyed_root}{path}", params=params, data=form)
    assert words.lower() in _error(answer, status).lower()
