"""The daily patrol on the wire (incident schema 1.2): round trip, and the rules the schema keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from edge_agent.contract import validate_incident
from edge_agent.contract.errors import ContractError
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id
from edge_agent.contract.patrol import PatrolCheck, PlaceKind, Verdict, WatchedPlace

T = datetime(2026, 2, 17, 9, 30, tzinfo=UTC)


def _incident(**over) -> Incident:
    fields = dict(
        id=new_id(),
        seq=0,
        site="xitang",
        box="b1",
        camera="c1",
        zone="house-12",
        grid_cell="330421101001001",
        kind=IncidentKind.PATROL_CHECK,
        level=Level.INFO,
        state=EventState.OPENED,
        started_at=T,
        observed_at=T,
        metrics={},
        watched_place=WatchedPlace(PlaceKind.STOP_WORK_HOUSEHOLD, "西塘违建〔2026〕12号"),
        patrol=PatrolCheck(date(2026, 2, 17), "09:00-11:00", Verdict.UNCHANGED, reference_at=T),
    )
    fields.update(over)
    return Incident(**fields)


def test_a_patrol_check_round_trips_at_minor_2():
    inc = _incident()
    payload = inc.to_payload()
    assert payload["schema_version"] == "1.2"
    assert payload["patrol"] == {
        "day": "2026-02-17",
        "window": "09:00-11:00",
        "verdict": "unchanged",
        "reference_at": "2026-02-17T09:30:00.000+00:00",
    }
    assert Incident.from_payload(payload) == inc


def test_a_construction_change_of_a_watched_place_names_it():
    inc = _incident(kind=IncidentKind.CONSTRUCTION_CHANGE, level=Level.WARNING, patrol=None)
    payload = inc.to_payload()
    assert payload["watched_place"]["case_number"] == "西塘违建〔2026〕12号"
    assert "patrol" not in payload


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.pop("patrol"), "patrol"),
        (lambda p: p.pop("watched_place"), "watched_place"),
        (lambda p: p.update(kind="tamper"), "kind"),
        (lambda p: p["patrol"].update(window="9-11"), "patrol/window"),
        (lambda p: p["patrol"].update(verdict="maybe"), "patrol/verdict"),
        (lambda p: p["watched_place"].update(kind="temple"), "watched_place/kind"),
    ],
)
def test_the_schema_refuses_a_broken_patrol(change, field):
    payload = _incident().to_payload()
    change(payload)
    with pytest.raises(ContractError) as err:
        validate_incident(payload)
    assert field in str(err.value)


def test_the_value_refuses_what_the_schema_would():
    with pytest.raises(ValueError, match="carries a patrol"):
        _incident(patrol=None)
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        PatrolCheck(date(2026, 2, 17), "morning", Verdict.UNCHANGED)
    with pytest.raises(ValueError, match="change_id"):
        PatrolCheck(date(2026, 2, 17), "09:00-11:00", Verdict.UNCHANGED, change_id=new_id())
