"""A strict contract: non-finite numbers, impossible dates, huge integers and unicode garbage are
refused as ``schema`` dead letters, never stored, never an ``internal`` traceback."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.ingest.store import store_batch
from collector.ingest.validate import Limits, classify
from collector.store import open_store
from edge_agent.contract.incident import IncidentKind, Level
from edge_agent.contract.patrol import PatrolCheck, PlaceKind, Verdict, WatchedPlace
from edge_agent.contract.signing import sign
from edge_agent.contract.strict import INT64_MAX
from edge_agent.contract.topics import incident_topic
from tests.collector.transport.helpers import KEY_B1, SITE, incident

TOPIC = incident_topic(SITE, "b1", "c1")
SIGNED = Limits(keys={f"{SITE}/b1": KEY_B1})
UNSIGNED = Limits(require_signatures=False)


def _base() -> dict:
    return incident(1).to_payload()


def _signed_raw(payload: dict) -> bytes:
    """Signed as a box would (the signature cannot be the reason), written as Python writes it."""
    return json.dumps(sign(payload, KEY_B1, f"{SITE}/b1")).encode()


def _with(path: tuple[str, ...], value) -> dict:
    doc = _base()
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


CASES = [
    (("metrics", "density"), math.nan),
    (("metrics", "density"), math.inf),
    (("stream_pts",), -math.inf),
    (("observed_at",), "2015-13-45T99:99:99Z"),
    (("observed_at",), "2015-02-29T10:00:00+08:00"),
    (("started_at",), "2016-12-31T23:59:60Z"),  # a leap second: RFC 3339, no Python datetime
    (("seq",), 10**30),
    (("seq",), INT64_MAX + 1),
    (("metrics", "count"), 10**40),
]


@pytest.mark.parametrize(("path", "value"), CASES, ids=[f"{p[-1]}={v!r}" for p, v in CASES])
def test_each_invalid_value_is_a_schema_dead_letter(tmp_path, path, value):
    db = open_store(tmp_path / "c.sqlite")
    raw = _signed_raw(_with(path, value))
    result = store_batch(db, [(TOPIC, raw)], SIGNED, "t")
    assert (result.new, result.dead_reasons) == (0, ["schema"])
    detail = db.execute("SELECT detail FROM dead_letters").fetchone()[0]
    assert "Traceback" not in detail and len(detail) < 600


def test_1e999_written_as_a_literal_is_refused():
    raw = _signed_raw(_base()).replace(b'"density": 2.5', b'"density": 1e999')
    verdict = classify(TOPIC, raw, SIGNED)
    assert (verdict.reason, verdict.detail) == ("schema", "number 1e999 is out of range")


def test_the_largest_storable_integer_is_stored(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    result = store_batch(db, [(TOPIC, _signed_raw(_with(("seq",), INT64_MAX)))], SIGNED, "t")
    assert result.new == 1
    assert db.execute("SELECT seq FROM ingest_incidents").fetchone()[0] == INT64_MAX


# --- hypothesis: the same classes of bad value, anywhere they fit --------------------------
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
HUGE = st.one_of(st.integers(min_value=INT64_MAX + 1), st.integers(max_value=-INT64_MAX - 2))
IMPOSSIBLE_DATE = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format,
    st.integers(0, 9999),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
).filter(lambda s: not _real_date(s))
GARBAGE = st.text(st.characters(categories=["Cs", "Cc", "Co", "Cn", "Zs", "So", "Lo"]), max_size=40)
NUMBER_PATHS = [("metrics", "density"), ("metrics", "trend_per_min"), ("stream_pts",)]
INT_PATHS = [("seq",), ("metrics", "count"), ("metrics", "area_px")]
DATE_PATHS = [("observed_at",), ("started_at",), ("metrics", "first_seen_at")]
TEXT_PATHS = [("zone",), ("camera",), ("grid_cell",), ("metrics", "reason"), ("kind",)]


def _real_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


BAD_VALUE = st.one_of(
    st.tuples(st.sampled_from(NUMBER_PATHS), NON_FINITE),
    st.tuples(st.sampled_from(INT_PATHS), HUGE),
    st.tuples(st.sampled_from(DATE_PATHS), IMPOSSIBLE_DATE),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=BAD_VALUE)
def test_hypothesis_bad_values_are_schema_dead_letters(case):
    path, value = case
    verdict = classify(TOPIC, _signed_raw(_with(path, value)), SIGNED)
    assert getattr(verdict, "reason", None) == "schema", (path, value, verdict)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(TEXT_PATHS), text=GARBAGE)
def test_hypothesis_unicode_garbage_is_stored_readably_or_refused_as_schema(path, text):
    raw = json.dumps(_with(path, text)).encode()  # lone surrogates come out as \ud800 escapes
    verdict = classify(TOPIC, raw, UNSIGNED)
    reason = getattr(verdict, "reason", None)
    assert reason in (None, "schema"), verdict
    if reason is None:  # accepted: then the store can hold it and read it back
        assert json.loads(verdict.raw) == verdict.payload
        json.dumps(verdict.payload, ensure_ascii=False).encode("utf-8")  # no lone surrogate


def test_hypothesis_garbage_batch_never_breaks_ingest(tmp_path):
    db = open_store(tmp_path / "fuzz.sqlite")
    good = _signed_raw(_base())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=BAD_VALUE)
    def check(case):
        path, value = case
        result = store_batch(
            db, [(TOPIC, _signed_raw(_with(path, value))), (TOPIC, good)], SIGNED, "t"
        )
        assert result.dead_reasons == ["schema"] and result.new + result.duplicates == 1

    check()
    assert (
        db.execute("SELECT COUNT(*) FROM dead_letters WHERE reason='internal'").fetchone()[0] == 0
    )


@pytest.mark.parametrize(
    ("reference_at", "verdict"),
    [
        ("2026-01-18T10:00:00.000+08:00", "incident"),
        ("2026-13-45T10:00:00+08:00", "schema"),  # the $ref beside a description is checked
        ("yesterday", "schema"),
    ],
)
def test_a_patrol_checks_reference_time_is_validated_not_an_internal_error(
    reference_at: str, verdict: str
) -> None:
    doc = replace(
        incident(1),
        kind=IncidentKind.PATROL_CHECK,
        level=Level.INFO,
        metrics={},
        watched_place=WatchedPlace(PlaceKind.CONTROL_POINT),
        patrol=PatrolCheck(date(2026, 2, 17), "09:00-11:00", Verdict.UNCHANGED),
    ).to_payload()
    doc["patrol"]["reference_at"] = reference_at
    got = classify(TOPIC, _signed_raw(doc), SIGNED)
    assert (getattr(got, "reason", None) or got.kind) == verdict, got
    if verdict == "schema":
        assert "patrol/reference_at" in got.detail  # type: ignore[union-attr]
