"""The compiled schema fast path agrees with jsonschema on valid and mutated documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from collector.ingest.fastschema import Unsupported, compile_schema
from collector.ingest.validate import _inline_refs
from edge_agent.contract import load_schema
from edge_agent.contract.incident import IncidentKind, Level
from edge_agent.contract.patrol import PatrolCheck, PlaceKind, Verdict, WatchedPlace
from edge_agent.contract.strict import FORMAT_CHECKER
from tests.collector.transport.helpers import incident


def _inlined(message: str) -> dict:
    schema = load_schema(message)
    return _inline_refs(schema, schema.get("$defs", {}))


INCIDENT = _inlined("incident")
FAST = compile_schema(INCIDENT)
SLOW = Draft202012Validator(INCIDENT, format_checker=FORMAT_CHECKER)
BASE = incident(3).to_payload()
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=6),
    st.lists(st.integers(0, 3), max_size=5),
    st.dictionaries(st.sampled_from(["count", "x", "role"]), st.integers(), max_size=2),
    st.integers(2**63 - 2, 2**63 + 2),  # the store's integer bound
    st.sampled_from(
        [  # date-time: checked by both paths with the same RFC 3339 checker
            "2015-05-01T10:00:00Z",
            "2015-13-45T99:99:99Z",
            "2015-02-29T10:00:00+08:00",
            "2016-02-29T10:00:00.5+08:00",
            "2016-12-31T23:59:60Z",
        ]
    ),
)


def _set(doc: dict, path: tuple, value) -> dict:
    out = {**doc}
    if len(path) == 1:
        out[path[0]] = value
    else:
        out[path[0]] = _set(
            doc.get(path[0], {}) if isinstance(doc.get(path[0]), dict) else {}, path[1:], value
        )
    return out


PATHS = (
    [(k,) for k in BASE]
    + [("metrics", k) for k in ("count", "density", "los", "bbox", "first_seen_at", "nope")]
    + [("extra",)]
)


@settings(max_examples=400, deadline=None)
@given(path=st.sampled_from(PATHS), value=JUNK)
def test_fast_path_agrees_with_jsonschema(path, value):
    doc = _set(BASE, path, value)
    assert FAST(doc) == SLOW.is_valid(doc)


@pytest.mark.parametrize(
    ("message", "compiles"),
    [
        ("incident", True),
        ("status", True),
        ("metrics", True),
        ("control-ack", True),
        ("receipt", True),
        ("control", True),  # if/then since the patrol's allOf needed them
    ],
)
def test_which_schemas_compile(message, compiles):
    try:
        compile_schema(_inlined(message))
    except Unsupported:
        assert not compiles
    else:
        assert compiles


PATROL = replace(
    incident(3),
    kind=IncidentKind.PATROL_CHECK,
    level=Level.INFO,
    metrics={},
    watched_place=WatchedPlace(PlaceKind.STOP_WORK_HOUSEHOLD, "西塘违建〔2026〕12号"),
    patrol=PatrolCheck(date(2026, 2, 17), "09:00-11:00", Verdict.UNCHANGED),
).to_payload()
PATROL_PATHS = [
    ("kind",),
    ("patrol",),
    ("watched_place",),
    *[("patrol", k) for k in ("day", "window", "verdict", "change_id", "reference_at", "x")],
    *[("watched_place", k) for k in ("kind", "case_number", "x")],
]


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(PATROL_PATHS),
    value=JUNK | st.sampled_from(["patrol_check", "tamper", "changed", "08:00-09:30"]),
    drop=st.sampled_from([None, "patrol", "watched_place"]),
)
def test_fast_path_agrees_on_patrol_checks(path, value, drop):
    doc = _set(PATROL, path, value)
    if drop:
        doc.pop(drop, None)
    assert FAST(doc) == SLOW.is_valid(doc)


def test_valid_incident_passes():
    assert FAST(PATROL) and SLOW.is_valid(PATROL)
    assert not FAST({k: v for k, v in PATROL.items() if k != "patrol"})
    assert FAST(BASE) and SLOW.is_valid(BASE)
