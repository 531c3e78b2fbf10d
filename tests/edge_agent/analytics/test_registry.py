"""The analytics registry: which zone asks for which analytic, and the table's own rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from edge_agent.analytics.base import Scope
from edge_agent.analytics.registry import REGISTRY, by_name, check_registry, runs_for, serving
from edge_agent.config.load import parse
from edge_agent.config.models import CameraConfig, ZoneKind
from edge_agent.contract.incident import IncidentKind
from tests.edge_agent.helpers import WHOLE_FRAME

CELL = "330421101001001"


def camera(*kinds: str, health: dict | None = None) -> CameraConfig:
    zones = [
        {"id": f"z{i}", "kind": k, "grid_cell": CELL, "polygon": WHOLE_FRAME}
        for i, k in enumerate(kinds)
    ]
    raw: dict = {"id": "cam1", "url": "clip.mp4", "zones": zones}
    if health is not None:
        raw["health"] = health
    return CameraConfig.model_validate(raw)


@pytest.mark.parametrize(
    ("kind", "analytics"),
    [
        (ZoneKind.ALLEY, ["crowd_density"]),
        (ZoneKind.BRIDGE, ["crowd_density"]),
        (ZoneKind.SQUARE, ["crowd_density"]),
        (ZoneKind.CONSTRUCTION_WATCH, ["construction_watch"]),
    ],
)
def test_a_zone_kind_selects_its_analytics(kind: ZoneKind, analytics: list[str]) -> None:
    assert [a.name for a in serving(kind)] == analytics


def test_every_zone_kind_is_served_and_the_table_is_sound() -> None:
    check_registry(REGISTRY)
    assert {k for a in REGISTRY for k in a.zone_kinds} == set(ZoneKind)
    assert len({a.name for a in REGISTRY}) == len(REGISTRY)


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (lambda r: tuple(a for a in r if a.name != "construction_watch"), "construction_watch"),
        (lambda r: (*r, r[0]), "registered twice: crowd_density"),
        (lambda r: (replace(r[0], emits=frozenset()), *r[1:]), "declares no incident kind"),
    ],
)
def test_a_broken_table_is_refused_naming_what_is_wrong(table, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        check_registry(table(REGISTRY))


OFF = {"enabled": False}


@pytest.mark.parametrize(
    ("kinds", "health", "expected"),
    [
        (("square",), OFF, [("crowd_density", ("z0",))]),
        (("alley", "bridge"), OFF, [("crowd_density", ("z0", "z1"))]),
        (
            ("square", "construction_watch", "construction_watch"),
            OFF,
            [
                ("crowd_density", ("z0",)),
                ("construction_watch", ("z1",)),
                ("construction_watch", ("z2",)),
            ],
        ),
        # camera health on every camera unless it says otherwise: one runner for the whole view
        (("square",), None, [("crowd_density", ("z0",)), ("camera_health", ())]),
        (("square",), {}, [("crowd_density", ("z0",)), ("camera_health", ())]),
        ((), {}, [("camera_health", ())]),
        ((), OFF, []),
    ],
)
def test_a_camera_runs_what_its_zones_and_health_ask_for(kinds, health, expected) -> None:
    runs = runs_for(camera(*kinds, health=health))
    assert [(a.name, tuple(z.id for z in zones)) for a, zones in runs] == expected


def test_a_selection_names_only_known_analytics() -> None:
    cam = camera("square", "construction_watch")
    assert [a.name for a, _ in runs_for(cam, {"crowd_density"})] == ["crowd_density"]
    with pytest.raises(KeyError, match="no analytic 'crowd'; known: crowd_density"):
        runs_for(cam, {"crowd"})


def test_each_row_declares_its_settings_needs_and_incident_kinds() -> None:
    emitted = {k for a in REGISTRY for k in a.emits}
    assert emitted == set(IncidentKind)
    assert by_name("crowd_density").scope is Scope.CAMERA
    assert by_name("construction_watch").scope is Scope.ZONE
    assert by_name("camera_health").needs.cadence_s == "every_s"
    for a in REGISTRY:
        assert a.settings.model_config["extra"] == "forbid", a.name


def test_camera_health_settings_merge_defaults_and_refuse_unknown_keys() -> None:
    raw = {
        "box": {"site_id": "xitang", "box_id": "box1"},
        "defaults": {"health": {"tamper_observations": 4}},
        "cameras": [
            {"id": "a", "url": "a.mp4", "health": {"covered_fraction": 0.5}},
            {"id": "b", "url": "b.mp4"},
        ],
    }
    cfg = parse(raw)
    health = cfg.health_for(cfg.camera("a"))
    assert health is not None
    assert (health.tamper_observations, health.covered_fraction) == (4, 0.5)
    other = cfg.health_for(cfg.camera("b"))  # on by default, with the defaults
    assert other is not None and other.tamper_observations == 4
    raw["cameras"][1]["health"] = {"enabled": False}
    assert parse(raw).health_for(parse(raw).camera("b")) is None
    raw["cameras"][0]["health"] = {"coverd_fraction": 0.5}
    with pytest.raises(Exception, match="coverd_fraction"):
        parse(raw)
