"""``POST requests.json`` against hostile bodies: the key first, a size cap, a nesting limit,
415 without a known Content-Type, no control characters in text (served by uvicorn)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlparse

import httpx
import pytest

from collector.api.intake import MAX_BODY_BYTES, MAX_DEPTH
from tests.collector.api.conftest import ApiWorld
from tests.collector.api.test_open311 import _geo_error

WOLONG = "330421101001001"
GOOD = {"service_code": "0101", "address_id": WOLONG}
_FORM = "application/x-www-form-urlencoded"


def _raw_post(api: httpx.Client, path: str, headers: dict[str, str], body: bytes = b"") -> str:
    """Send a request line and headers (and maybe less body than declared); the status line."""
    root = urlparse(str(api.base_url))
    head = [f"POST {root.path.rstrip('/')}{path} HTTP/1.1", f"Host: {root.netloc}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((root.hostname, root.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        answer = sock.recv(65536).decode(errors="replace")
    return answer.split("\r\n", 1)[0]


def test_a_bad_key_is_refused_before_a_50_mb_body_is_read(api: httpx.Client) -> None:
    # 50 MB declared, none of it sent: the answer can only come from the headers.
    status = _raw_post(
        api,
        "/requests.json?api_key=gw_nope_nope",
        {"Content-Type": "application/json", "Content-Length": str(50_000_000)},
    )
    assert status == "HTTP/1.1 401 Unauthorized"


def test_a_body_over_the_cap_is_413_before_it_is_read(api: httpx.Client) -> None:
    status = _raw_post(
        api, "/requests.json", {"Content-Type": _FORM, "Content-Length": str(50_000_000)}
    )
    assert status == "HTTP/1.1 413 Request Entity Too Large"


def test_a_streamed_body_over_the_cap_is_413(api: httpx.Client, world: ApiWorld) -> None:
    def chunks():
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    answer = api.post(
        "/requests.json",
        content=chunks(),  # chunked: no Content-Length to trust
        headers={"Content-Type": _FORM, "X-Api-Key": world.write_key},
    )
    _geo_error(answer, 413)


@pytest.mark.parametrize("key", [None, "write"])
def test_deep_nesting_is_a_400_not_a_500(api: httpx.Client, world: ApiWorld, key) -> None:
    body = b'{"description": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    headers = {"Content-Type": "application/json"}
    if key:
        headers["X-Api-Key"] = world.write_key
    answer = api.post("/requests.json", content=body, headers=headers)
    assert f"deeper than {MAX_DEPTH}" in _geo_error(answer, 400)


def test_nesting_up_to_the_limit_is_parsed(api: httpx.Client, world: ApiWorld) -> None:
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    body = json.dumps(GOOD)[:-1] + f', "description": {inner}}}'
    answer = api.post(
        "/requests.json",
        content=body.encode(),
        headers={"Content-Type": "application/json", "X-Api-Key": world.write_key},
    )
    assert "description" in _geo_error(answer, 400)  # parsed, then refused as no string


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/xml"])
def test_missing_or_unknown_content_type_is_415(
    api: httpx.Client, world: ApiWorld, content_type
) -> None:
    headers = {"X-Api-Key": world.write_key}
    if content_type:
        headers["Content-Type"] = content_type
    answer = api.post("/requests.json", content=b"service_code=0101", headers=headers)
    assert "application/x-www-form-urlencoded" in _geo_error(answer, 415)


@pytest.mark.parametrize(
    ("field", "value"),
    [("description", "broken\x00glass"), ("first_name", "a\x1bb"), ("address_string", "x\x7f")],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_control_characters_are_refused_in_text(
    api: httpx.Client, world: ApiWorld, field, value, as_json
) -> None:
    body = GOOD | {field: value}
    kwargs = {"json": body} if as_json else {"data": body}
    answer = api.post("/requests.json", headers={"X-Api-Key": world.write_key}, **kwargs)
    assert "control character" in _geo_error(answer, 400)


def test_line_breaks_stay_allowed_in_a_description(api: httpx.Client, world: ApiWorld) -> None:
    body = GOOD | {"description": "bins overflowing\nnear the bridge\tsince 8:00"}
    answer = api.post("/requests.json", data=body, headers={"X-Api-Key": world.write_key})
    assert answer.status_code == 201, answer.text


def test_non_finite_json_numbers_are_refused(api: httpx.Client, world: ApiWorld) -> None:
    body = b'{"service_code": "0101", "lat": NaN, "long": 120.88}'
    answer = api.post(
        "/requests.json",
        content=body,
        headers={"Content-Type": "application/json", "X-Api-Key": world.write_key},
    )
    assert "not a JSON number" in _geo_error(answer, 400)
