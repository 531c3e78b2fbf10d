"""Property-based tests of the API against its own OpenAPI document (schemathesis, in-process ASGI).

Every operation is called with generated parameters and bodies (bounded examples) using a write
key; the answers must not be server errors and must match the documented status codes, content
types and response schemas (GeoReport error lists included). The GET operations must also accept
every schema-valid request. ``POST requests.json`` is exempt from that one check: a schema-valid
body can still name a service, a cell or a point that the imported grid map does not have (they
change with each ``collector grid import``), which is a GeoReport 400.

(schemathesis' pytest plugin reads a private pytest attribute that pytest 9 removed, so the
operations are driven with ``hypothesis.given`` on each operation's strategy instead.)
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from collector.api.app import PREFIX
from tests.collector.api.conftest import ApiWorld

EXAMPLES = 30


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi(f"{PREFIX}/openapi.json", app)


def _check(operation: schemathesis.APIOperation, key: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def run(case: schemathesis.Case) -> None:
        if case.query:
            case.query.pop("api_key", None)  # a generated key would only test the 401 path
        excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []
        case.call_and_validate(headers={"X-Api-Key": key}, excluded_checks=excluded)

    run()


def test_api_conforms_to_its_openapi_document(
    api_schema: schemathesis.BaseSchema, world: ApiWorld
) -> None:
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        _check(operation, world.write_key)
    assert f"POST {PREFIX}/requests.json" in labels and len(labels) == 7
