"""GeoReport v2 in XML: every ``….json`` call also answers as ``….xml``, errors included.

GeoReport names XML as its format and JSON as the option, so a client may ask for either. Rather
than a second copy of every route, :class:`XmlFormat` (an ASGI middleware) serves a ``.xml`` path
by the ``.json`` route of the same call and writes its answer in the specification's element
names: ``services/service``, ``service_definition``, ``service_requests/request``, ``discovery``
and, for any error, ``errors/error`` with ``code`` and ``description``. Query, form body and key
checks are the JSON route's own, so both formats accept and refuse exactly the same requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from xml.etree import ElementTree as ET

__all__ = ["XmlFormat", "to_xml", "XML_TYPE", "ITEM_NAMES"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

XML_TYPE = "text/xml; charset=utf-8"

#: The element of one item of a list, by the list's element (GeoReport v2's names).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "units": "unit",
}

#: (path below the API root, method) -> the root element of its answer.
_ROOTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^discovery$"), "discovery"),
    (re.compile(r"^services$"), "services"),
    (re.compile(r"^services/[^/]+$"), "service_definition"),
    (re.compile(r"^requests$"), "service_requests"),
    (re.compile(r"^requests/[^/]+$"), "service_requests"),
)


def to_xml(root: str, data: Any) -> bytes:
    """``data`` (a JSON answer) as a GeoReport XML document with ``root`` as its element.

    Example:
        >>> to_xml("services", [{"service_code": "9001", "metadata": False}]).decode().splitlines()[1]
        '<services><service><service_code>9001</service_code><metadata>false</metadata></service></services>'
    """
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, data: Any) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _fill(ET.SubElement(element, str(key)), value)
    elif isinstance(data, list):
        item = ITEM_NAMES.get(element.tag, "item")
        for value in data:
            _fill(ET.SubElement(element, item), value)
    elif isinstance(data, bool):
        element.text = "true" if data else "false"
    elif data is not None:
        element.text = str(data)


class XmlFormat:
    """ASGI middleware: ``{prefix}/….xml`` is answered by ``….json``, written as XML."""

    def __init__(self, app: App, prefix: str):
        self.app = app
        self.prefix = prefix.rstrip("/") + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or not path.endswith(".xml"):
            await self.app(scope, receive, send)
            return
        call = path[len(self.prefix) : -len(".xml")]
        root = next((name for pattern, name in _ROOTS if pattern.match(call)), None)
        if root is None:  # not a GeoReport call: the JSON side's 404, in XML
            root = "errors"
        json_path = f"{path[: -len('.xml')]}.json"
        inner = dict(scope) | {"path": json_path, "raw_path": json_path.encode()}
        answer = _Capture()
        await self.app(inner, receive, answer)
        await answer.replay_as_xml(send, root)


class _Capture:
    """Holds the JSON route's answer so that it can be rewritten before it is sent."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    async def replay_as_xml(self, send: Send, root: str) -> None:
        assert self.start is not None, "the JSON route sent no answer"
        status = int(self.start["status"])
        headers = [
            (k, v)
            for k, v in self.start.get("headers", [])
            if k.lower() not in (b"content-type", b"content-length")
        ]
        try:
            data = json.loads(self.body) if self.body else None
        except ValueError:
            data = [{"code": 500, "description": "the answer was not JSON"}]
            status = 500
        body = to_xml("errors" if status >= 400 else root, data)
        headers += [(b"content-type", XML_TYPE.encode()), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
