"""The collector's config file."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from collector.cli.main import app
from collector.errors import ConfigError
from collector.transport.config import load_box_keys, load_config

CONFIGS = [
    ({"broker": {"url": "http://x"}}, "broker.url"),
    ({"broker": {"prototcol": 5}}, "broker.prototcol"),
    ({"batch_max": 0}, "batch_max"),
    ({"broker": {"password": "${GRIDWATCH_TEST_UNSET_VAR}"}}, "broker.password"),
]


@pytest.mark.parametrize(("data", "key"), CONFIGS)
def test_config_errors_name_file_key_and_value(tmp_path, data, key):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and key in str(err.value)


def test_config_paths_relative_to_the_file_and_env_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("GW_PW", "s3cret")
    (tmp_path / "keys.yaml").write_text('"x/b1": ' + "ab" * 32 + "\n")
    (tmp_path / "c.yaml").write_text(
        "broker: {password: '${GW_PW}', tls: {ca_file: ca.pem}}\ndb: s.sqlite\n"
        "box_keys_file: keys.yaml\n"
    )
    cfg = load_config(tmp_path / "c.yaml")
    assert cfg.broker.password == "s3cret"
    assert cfg.db == str(tmp_path / "s.sqlite")
    assert cfg.broker.tls.ca_file == str(tmp_path / "ca.pem")
    assert load_box_keys(cfg.box_keys_file) == {"x/b1": bytes.fromhex("ab" * 32)}


@pytest.mark.parametrize("command", ["run", "demo", "bench", "tune"])
def test_commands_have_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_run_with_a_bad_config_exits_cleanly(tmp_path):
    (tmp_path / "c.yaml").write_text("nope: 1\n")
    result = CliRunner().invoke(app, ["run", "--config", str(tmp_path / "c.yaml")])
    assert result.exit_code == 2 and "unknown key" in result.output
