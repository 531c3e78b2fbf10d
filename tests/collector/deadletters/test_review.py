"""Dead letters reviewed through the CLI: a box's key rotated, its refused incidents retried after the
collector got the new key, capped bytes refused, drops audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
import typer
import yaml
from typer.testing import CliRunner

from collector.cli.main import app
from collector.deadletters import Reviewer, drop, list_dead_letters, review_trail
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from collector.migrations import load_all
from collector.store import open_store
from collector.transport.config import load_config
from collector.transport.service import ingest_limits
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic
from tests.collector.builders import center_db
from tests.collector.transport.helpers import KEY_B1, SITE, incident

runner = CliRunner()
NEW_KEY = bytes(range(100, 132))  # box b1 after its key was rotated
TOPIC = incident_topic(SITE, "b1", "c1")


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture()
def center(tmp_path: Path) -> Path:
    """A collector config whose box-keys file still has b1's old key, and its store."""
    keys = tmp_path / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({f"{SITE}/b1": KEY_B1.hex()}))
    config = tmp_path / "collector.yaml"
    config.write_text(yaml.safe_dump({"db": "collector.sqlite", "box_keys_file": "box-keys.yaml"}))
    center_db(str(tmp_path / "collector.sqlite")).close()
    return config


def receive(config: Path, payloads: list[dict], raw_cap: int = 4096) -> None:
    """What the ingest does with these messages (same function, same limits)."""
    cfg = load_config(config)
    db = open_store(cfg.db)
    messages = [(TOPIC, json.dumps(p).encode()) for p in payloads]
    store_batch(db, messages, ingest_limits(cfg), "2026-12-01T08:00:00.000+00:00", raw_cap)
    db.close()


def signed_with_new_key(i: int) -> dict:
    return sign(incident(i).to_payload(), NEW_KEY, f"{SITE}/b1")


def test_retry_after_rotating_a_box_key(center: Path) -> None:
    receive(center, [signed_with_new_key(0), signed_with_new_key(1)])
    listed = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    assert [(d["reason"], d["box"], d["topic"]) for d in listed] == [
        ("signature", "xitang/b1", TOPIC)
    ] * 2
    ids = [str(d["id"]) for d in listed]
    assert "signature" in cli("dead-letters", "-c", str(center), "list", "--reason", "signature")
    assert cli("dead-letters", "-c", str(center), "list", "--box", "b2", "--json").strip() == "[]"

    # before the fix: still refused, kept, with the attempt in its trail
    out = cli("dead-letters", "-c", str(center), "--actor", "li.ops", "retry", ids[0], code=1)
    assert f"dead letter {ids[0]}: refused (signature" in out

    keys = center.parent / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({f"{SITE}/b1": NEW_KEY.hex()}))  # the rotation reaches us
    out = cli(
        "dead-letters", "-c", str(center), "--actor", "li.ops", "retry", *ids, "--note", "key v2"
    )
    assert out.count(": stored") == 2
    db = open_store(load_config(center).db)
    assert db.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM ingest_incidents WHERE filed = 1").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1  # one incident, joined
    trail = [
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT action, outcome, actor FROM dead_letter_reviews WHERE dead_letter_id = ?"
            " ORDER BY id",
            [int(ids[0])],
        )
    ]
    assert trail == [("retry", "refused: signature", "li.ops"), ("retry", "stored", "li.ops")]


def test_show_gives_reason_detail_and_the_kept_bytes(center: Path) -> None:
    receive(center, [signed_with_new_key(0)])
    (d,) = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    shown = json.loads(cli("dead-letters", "-c", str(center), "show", str(d["id"]), "--json"))
    assert shown["reason"] == "signature" and shown["complete"] is True
    assert json.loads(shown["raw"])["box"] == "b1"
    text = cli("dead-letters", "-c", str(center), "show", str(d["id"]), "--chars", "40")
    assert "more)" in text and "signature" in text
    assert "no dead letter 999" in cli("dead-letters", "-c", str(center), "show", "999", code=2)


def test_capped_bytes_cannot_be_retried(center: Path) -> None:
    receive(center, [signed_with_new_key(0)], raw_cap=100)
    (d,) = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    assert (d["kept_bytes"], d["complete"]) == (100, False)
    out = cli("dead-letters", "-c", str(center), "--actor", "li.ops", "retry", str(d["id"]), code=2)
    assert f"only 100 of {d['size']} bytes were kept" in out


def test_drop_needs_a_reason_and_is_audited(center: Path) -> None:
    receive(center, [signed_with_new_key(0)])
    (d,) = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    nobody = cli("dead-letters", "-c", str(center), "drop", str(d["id"]), "--note", "x", code=2)
    assert "who acts?" in nobody and "GRIDWATCH_ACTOR" in nobody  # the audit names a person
    drop = ("dead-letters", "-c", str(center), "--actor", "li.ops", "drop", str(d["id"]))
    assert "needs a reason" in cli(*drop, code=2)
    cli(
        "dead-letters",
        "-c",
        str(center),
        "--actor",
        "li.ops",
        "drop",
        str(d["id"]),
        "--note",
        "test box",
    )
    db = open_store(load_config(center).db)
    assert db.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0] == 0
    row = db.execute(
        "SELECT action, actor, note, reason, sha256 FROM dead_letter_reviews"
    ).fetchone()
    assert row == ("drop", "li.ops", "test box", "signature", d["sha256"])
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM dead_letter_reviews")


def test_retry_without_a_config_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    out = cli("dead-letters", "--db", str(db), "retry", "1", code=2)
    assert "retry needs --config" in out


def test_every_dead_letter_command_has_help() -> None:
    group = typer.main.get_command(app).commands["dead-letters"]  # type: ignore[attr-defined]
    for name, cmd in group.commands.items():
        assert (cmd.help or "").strip(), name
        for param in cmd.params:
            if getattr(param, "param_type_name", "") == "option":
                assert (param.help or "").strip(), f"{name} {param.opts}"


def test_a_new_letter_never_gets_a_dropped_letters_id_nor_its_history(center: Path) -> None:
    receive(center, [signed_with_new_key(0)])
    (first,) = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    cli(
        "dead-letters",
        "-c",
        str(center),
        "--actor",
        "li.ops",
        "drop",
        str(first["id"]),
        "--note",
        "test box",
    )
    receive(center, [signed_with_new_key(1)])  # the next refused message
    (second,) = json.loads(cli("dead-letters", "-c", str(center), "list", "--json"))
    assert second["id"] > first["id"] and second["sha256"] != first["sha256"]
    shown = json.loads(cli("dead-letters", "-c", str(center), "show", str(second["id"]), "--json"))
    assert shown["reviews"] == []
    assert "test box" not in cli("dead-letters", "-c", str(center), "show", str(second["id"]))
    assert "no dead letter" in cli(
        "dead-letters", "-c", str(center), "show", str(first["id"]), code=2
    )


def test_the_migration_keeps_letters_and_moves_one_that_inherited_a_trail(tmp_path: Path) -> None:
    """A store of before deadletters_0002 where SQLite already reused a dropped letter's id."""
    db = sqlite_utils.Database(tmp_path / "old.sqlite")
    load_all().apply(db, stop_before="deadletters_0002_ids_never_reused")
    limits = Limits(keys={f"{SITE}/b1": KEY_B1})
    for i in range(3):
        messages = [(TOPIC, json.dumps(signed_with_new_key(i)).encode())]
        store_batch(db, messages, limits, f"2026-12-01T08:00:0{i}.000+00:00")
        if i == 0:
            drop(db, 1, Reviewer("li.ops", "2026-12-01T08:00:00.500+00:00", "old junk"))
    reused = db.execute("SELECT id, sha256 FROM dead_letters ORDER BY id").fetchall()
    assert [i for i, _ in reused] == [1, 2]  # the old rowid table gave id 1 to the next letter
    drop(db, 2, Reviewer("li.ops", "2026-12-01T08:00:03.000+00:00", "newest junk"))
    load_all().apply(db)
    letters = {d.sha256: d.id for d in list_dead_letters(db)}
    assert list(letters) == [reused[0][1]] and letters[reused[0][1]] == 3  # above every trail
    assert review_trail(db, 3) == []
    assert [r["note"] for r in review_trail(db, 1)] == ["old junk"]
    store_batch(db, [(TOPIC, b"{")], limits, "2026-12-01T08:00:04.000+00:00")
    assert max(d.id for d in list_dead_letters(db)) == 4  # never 2, the dropped newest
    assert db.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0] == 2
