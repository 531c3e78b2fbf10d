"""Config validation: errors name the file, the key path and the value; example configs are valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.config import load, parse
from edge_agent.config.edit import set_threshold
from edge_agent.errors import ConfigError

MINIMAL = {"box": {"site_id": "xitang", "box_id": "b1"}, "cameras": [{"id": "c1", "url": "x.mp4"}]}


def with_zone(**zone) -> dict:
    base = {
        "id": "z",
        "kind": "alley",
        "polygon": [[0, 0], [10, 0], [10, 10]],
        "grid_cell": "330421101001001",
    }
    cam = {"id": "c1", "url": "x.mp4", "zones": [base | zone]}
    return MINIMAL | {"cameras": [cam]}


@pytest.mark.parametrize(
    ("data", "key_path", "value", "reason"),
    [
        (MINIMAL | {"bogus": 1}, "bogus", 1, "unknown key"),
        (with_zone(grid_cell="12"), "cameras[0].zones[0].grid_cell", "12", "pattern"),
        (with_zone(kind="river"), "cameras[0].zones[0].kind", "river", "Input should be"),
        (with_zone(area_m2=-3), "cameras[0].zones[0].area_m2", -3, "greater than 0"),
        (
            with_zone(thresholds={"warning_density": 9}),
            "cameras[0].zones[0].thresholds",
            {"warning_density": 9.0},
            "warning_density < critical_density",
        ),
        (
            MINIMAL | {"cameras": [{"id": "c1", "url": "x", "decode": "fps"}]},
            "cameras[0]",
            None,
            "needs an fps",
        ),
        (MINIMAL | {"model": {"kind": "detr"}}, "model.kind", "detr", "Input should be"),
        (MINIMAL | {"box": {"site_id": "x/y", "box_id": "b"}}, "box.site_id", "x/y", "pattern"),
    ],
)
def test_errors_name_key_path_and_value(data, key_path, value, reason):
    with pytest.raises(ConfigError) as info:
        parse(data, source="box.yaml")
    msg = str(info.value)
    assert msg.startswith("box.yaml:")
    paths = [p[0] for p in info.value.problems]
    assert key_path in paths, paths
    if value is not None:
        assert repr(value) in msg
    if reason is not None:
        assert reason in msg


def test_env_secret_missing_is_named(monkeypatch):
    monkeypatch.delenv("GW_NOPE", raising=False)
    with pytest.raises(ConfigError, match=r"mqtt.password.*GW_NOPE is not set"):
        parse(MINIMAL | {"mqtt": {"password": "${GW_NOPE}"}})


def test_yaml_syntax_error_names_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("box:\n  site_id: [unclosed\n")
    with pytest.raises(ConfigError, match=r"(?s)bad.yaml.*line 3, column 1.*not valid YAML"):
        load(f)


@pytest.mark.parametrize("name", sorted(p.name for p in Path("configs").glob("edge-*.yaml")))
def test_example_configs_are_valid(name, monkeypatch, repo_root):
    monkeypatch.setenv("GRIDWATCH_MQTT_PASSWORD", "secret")
    cfg = load(repo_root / "configs" / name)
    kinds = {z.kind.value for c in cfg.cameras for z in c.zones}
    assert {"alley", "bridge", "construction_watch"} <= kinds


def test_config_check_cli(repo_root, monkeypatch, tmp_path):
    monkeypatch.setenv("GRIDWATCH_MQTT_PASSWORD", "secret")
    runner = CliRunner()
    example = str(repo_root / "configs/edge-box-01.yaml")  # its key lives on the box (/etc)
    ok = runner.invoke(app, ["config", "check", "--skip-files", example])
    assert ok.exit_code == 0, ok.output
    assert "3 camera(s)" in ok.output
    bad = tmp_path / "b.yaml"
    bad.write_text(yaml.safe_dump(with_zone(grid_cell="x")))
    res = runner.invoke(app, ["config", "check", str(bad)])
    assert res.exit_code == 2
    assert "cameras[0].zones[0].grid_cell" in res.output and "'x'" in res.output


def test_set_threshold_keeps_comments_order_and_audits(tmp_path, repo_root, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_MQTT_PASSWORD", "secret")
    f = tmp_path / "box.yaml"
    original = (repo_root / "configs/edge-box-01.yaml").read_text()
    f.write_text(original)
    change, cfg = set_threshold(f, "bridge-01", "bridge-deck", "warning_density", "2.5", user="li")
    text = f.read_text()
    assert "# 16 m × 3 m deck" in text and "# NVR channel of the lane camera" in text
    assert text.index("alley-01") < text.index("bridge-01") < text.index("build-01")
    assert (change.old, change.new, change.user) == (2.0, 2.5, "li")
    assert cfg.thresholds_for(cfg.camera("bridge-01").zones[0]).warning_density == 2.5
    assert load(f).camera("bridge-01").zones[0].thresholds.warning_density == 2.5
    audit = (tmp_path / "var/audit.jsonl").read_text().splitlines()
    assert len(audit) == 1 and '"old": 2.0' in audit[0] and '"new": 2.5' in audit[0]
    # a new key in a zone without overrides, and a construction key
    set_threshold(f, "alley-01", "lane-north", "clear_after_s", 45)
    set_threshold(f, "build-01", "courtyard", "construction.min_area_m2", 3)
    cfg = load(f)
    assert cfg.thresholds_for(cfg.camera("alley-01").zones[0]).clear_after_s == 45
    assert cfg.camera("build-01").zones[0].construction.min_area_m2 == 3


@pytest.mark.parametrize(
    ("camera", "zone", "key", "value", "match"),
    [
        ("nope", "lane-north", "warning_density", 2, "camera.*nope.*known: alley-01"),
        ("alley-01", "nope", "warning_density", 2, "zone.*nope"),
        ("alley-01", "lane-north", "speed", 2, "unknown threshold"),
        ("alley-01", "lane-north", "warning_density", "high", "not a number"),
        ("alley-01", "lane-north", "warning_density", -1, "greater than 0"),
        ("alley-01", "lane-north", "warning_density", 9, "warning_density < critical_density"),
    ],
)
def test_set_threshold_rejects_and_leaves_file(
    tmp_path, repo_root, monkeypatch, camera, zone, key, value, match
):
    monkeypatch.setenv("GRIDWATCH_MQTT_PASSWORD", "secret")
    f = tmp_path / "box.yaml"
    f.write_text((repo_root / "configs/edge-box-01.yaml").read_text())
    before = f.read_text()
    with pytest.raises(ConfigError, match=match):
        set_threshold(f, camera, zone, key, value)
    assert f.read_text() == before


def test_zone_construction_override_keeps_the_other_defaults():
    cfg = parse(
        with_zone(kind="construction_watch", construction={"min_area_m2": 3.0})
        | {"defaults": {"construction": {"persist_observations": 4, "observe_every_s": 600}}}
    )
    merged = cfg.construction_for(cfg.cameras[0].zones[0])
    assert (merged.min_area_m2, merged.persist_observations, merged.observe_every_s) == (
        3.0,
        4,
        600,
    )
