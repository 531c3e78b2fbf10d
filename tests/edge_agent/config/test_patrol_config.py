"""Config of the daily patrol: watched places, windows, the box's time zone, stop-work sensitivity.

Each bad value is refused with the file, the key path and the value; the example config patrols a
stop-work household and still passes ``edge-agent config check``.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import load, parse
from edge_agent.config.models import ZoneKind
from edge_agent.contract.patrol import PlaceKind
from edge_agent.errors import ConfigError

BOX = {"site_id": "xitang", "box_id": "b1"}
HOUSEHOLD = {"kind": "stop_work_household", "case_number": "西塘违建〔2026〕12号"}


def config(box: dict | None = None, defaults: dict | None = None, **zone) -> dict:
    base = {
        "id": "yard",
        "kind": "construction_watch",
        "polygon": [[0, 0], [10, 0], [10, 10]],
        "grid_cell": "330421101002005",
    }
    cam = {"id": "c1", "url": "x.mp4", "zones": [base | zone]}
    return {"box": BOX | (box or {}), "defaults": defaults or {}, "cameras": [cam]}


Z = "cameras[0].zones[0]"


@pytest.mark.parametrize(
    ("data", "key_path", "value", "reason"),
    [
        (
            config(kind="alley", watched_place={"kind": "control_point"}),
            Z,
            None,
            "watched_place needs a construction_watch zone",
        ),
        (
            config(watched_place={"kind": "construction_hotspot", "case_number": "A-1"}),
            f"{Z}.watched_place",
            None,
            "case_number names the stop-work order of a household",
        ),
        (
            config(watched_place={"kind": "shop"}),
            f"{Z}.watched_place.kind",
            "shop",
            "Input should be",
        ),
        (
            config(watched_place=HOUSEHOLD | {"owner": "x"}),
            f"{Z}.watched_place.owner",
            "x",
            "unknown key",
        ),
        (
            config(watched_place=HOUSEHOLD | {"case_number": "x" * 65}),
            f"{Z}.watched_place.case_number",
            "x" * 65,
            "at most 64",
        ),
        (config(patrol={"window": "09:00-11:00"}), Z, None, "set watched_place too"),
        (
            config(watched_place=HOUSEHOLD, patrol={"window": "11:00-09:00"}),
            f"{Z}.patrol.window",
            "11:00-09:00",
            "must end after it starts",
        ),
        (
            config(watched_place=HOUSEHOLD, patrol={"window": "9-11"}),
            f"{Z}.patrol.window",
            "9-11",
            "HH:MM-HH:MM",
        ),
        (
            config(watched_place=HOUSEHOLD, patrol={"every": "day"}),
            f"{Z}.patrol.every",
            "day",
            "unknown key",
        ),
        (
            config(defaults={"patrol": {"window": "24:00-25:00"}}),
            "defaults.patrol.window",
            "24:00-25:00",
            "HH:MM-HH:MM",
        ),
        (
            config(defaults={"patrol": {"stop_work": {"area_factor": 2}}}),
            "defaults.patrol.stop_work.area_factor",
            2,
            "less than or equal to 1",
        ),
        (
            config(box={"time_zone": "Mars/Olympus"}),
            "box.time_zone",
            "Mars/Olympus",
            "unknown time zone",
        ),
    ],
)
def test_patrol_errors_name_key_path_and_value(data, key_path, value, reason):
    with pytest.raises(ConfigError) as info:
        parse(data, source="box.yaml")
    msg = str(info.value)
    assert msg.startswith("box.yaml:")
    paths = [p[0] for p in info.value.problems]
    assert key_path in paths, paths
    if value is not None:
        assert repr(value) in msg
    assert reason in msg, msg


def test_window_and_time_zone_defaults_and_overrides():
    plain = parse(config(watched_place={"kind": "control_point"}))
    zone = plain.cameras[0].zones[0]
    assert plain.box.time_zone == "Asia/Shanghai"
    assert plain.patrol_window_for(zone) == "09:00-11:00"
    own = parse(
        config(
            box={"time_zone": "Europe/Berlin"},
            defaults={"patrol": {"window": "08:00-09:30"}},
            watched_place={"kind": "control_point"},
            patrol={"window": "14:00-15:00"},
        )
    )
    assert own.box.time_zone == "Europe/Berlin"
    assert own.defaults.patrol.window == "08:00-09:30"
    assert own.patrol_window_for(own.cameras[0].zones[0]) == "14:00-15:00"


def test_stop_work_household_is_watched_more_keenly_than_its_zone():
    """Half the minimum areas, at most 2 observations, half the persistence, on top of the
    zone's own keys; another kind of watched place keeps the zone's settings."""
    own = {"min_area_px": 300, "persist_observations": 4, "persist_min_s": 1200}
    cfg = parse(config(watched_place=HOUSEHOLD, construction=own))
    hot = parse(config(watched_place={"kind": "construction_hotspot"}, construction=own))
    household = cfg.construction_for(cfg.cameras[0].zones[0])
    hotspot = hot.construction_for(hot.cameras[0].zones[0])
    assert (hotspot.min_area_px, hotspot.persist_observations, hotspot.persist_min_s) == (
        300,
        4,
        1200,
    )
    assert (household.min_area_px, household.persist_observations) == (150, 2)
    assert household.persist_min_s == 600
    assert household.min_area_m2 == hotspot.min_area_m2 / 2
    keener = parse(
        config(
            defaults={"patrol": {"stop_work": {"persist_observations": 1}}},
            watched_place=HOUSEHOLD,
        )
    )
    assert keener.construction_for(keener.cameras[0].zones[0]).persist_observations == 1


def test_example_config_patrols_a_stop_work_household(repo_root):
    path = repo_root / "configs/edge-box-01.yaml"
    cfg = load(path, unset_env=[])
    watched = [z for c in cfg.cameras for z in c.zones if z.watched_place is not None]
    assert len(watched) == 1
    assert watched[0].kind is ZoneKind.CONSTRUCTION_WATCH
    assert watched[0].watched_place.kind is PlaceKind.STOP_WORK_HOUSEHOLD  # type: ignore[union-attr]
    assert watched[0].watched_place.case_number  # type: ignore[union-attr]
    res = CliRunner().invoke(app, ["config", "check", "--skip-files", str(path)])
    assert res.exit_code == 0, res.output
