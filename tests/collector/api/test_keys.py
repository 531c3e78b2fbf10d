"""API keys: stored hashed, scoped, revocable; the ``collector keys`` commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.accounts import create_account, update_account
from collector.api.keys import (
    ApiKeyError,
    ApiKeyMissing,
    ApiKeyRefused,
    ApiKeyScopeError,
    ApiKeyUnbound,
    bind_key,
    check_key,
    create_key,
    list_keys,
    revoke_key,
)
from collector.cli.main import app
from collector.config.models import Role
from collector.errors import NotPermitted
from collector.store import open_store
from tests.collector.builders import center_db

NOW = "2026-10-01T00:00:00+00:00"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A store with the example center (whose units.yaml names wang.duty, a duty chief)."""
    center_db(str(tmp_path / "c.sqlite")).close()
    return tmp_path / "c.sqlite"


def test_secret_is_never_stored(db_path: Path) -> None:
    db = open_store(db_path)
    created = create_key(db, "write", "patrol app", NOW, "wang.duty")
    secret_part = created.secret.split("_", 2)[2]
    db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob("c.sqlite*"))
    assert secret_part.encode() not in raw
    row = next(open_store(db_path)["api_keys"].rows)
    assert len(row["hash"]) == 64 and len(row["salt"]) == 32


def test_same_secret_different_salt(db_path: Path) -> None:
    db = open_store(db_path)
    a, b = create_key(db, "read", "a", NOW), create_key(db, "read", "b", NOW)
    rows = {r["id"]: r for r in db["api_keys"].rows}
    assert rows[a.key.id]["salt"] != rows[b.key.id]["salt"]


@pytest.mark.parametrize(
    ("scope", "need", "error"),
    [
        ("read", "read", None),
        ("read", "write", ApiKeyScopeError),
        ("write", "read", None),
        ("write", "write", None),
    ],
)
def test_scopes(db_path: Path, scope: str, need: str, error: type[Exception] | None) -> None:
    db = open_store(db_path)
    created = create_key(db, scope, "k", NOW, "wang.duty" if scope == "write" else None)
    if error is None:
        assert check_key(db, created.secret, need).id == created.key.id
    else:
        with pytest.raises(error):
            check_key(db, created.secret, need)


@pytest.mark.parametrize(
    ("presented", "error"),
    [
        (None, ApiKeyMissing),
        ("", ApiKeyMissing),
        ("nonsense", ApiKeyRefused),
        ("gwk_deadbeef_x", ApiKeyRefused),
        ("tamper", ApiKeyRefused),
        ("revoked", ApiKeyRefused),
    ],
)
def test_refused_keys(db_path: Path, presented: str | None, error: type[Exception]) -> None:
    db = open_store(db_path)
    created = create_key(db, "write", "k", NOW, "wang.duty")
    if presented == "tamper":
        presented = created.secret[:-1] + ("A" if created.secret[-1] != "A" else "B")
    elif presented == "revoked":
        revoke_key(db, created.key.id, NOW)
        presented = created.secret
    with pytest.raises(error):
        check_key(db, presented, "read")


def test_bad_scope_and_unknown_revoke(db_path: Path) -> None:
    db = open_store(db_path)
    with pytest.raises(ApiKeyError, match="scope"):
        create_key(db, "admin", "k", NOW)
    with pytest.raises(ApiKeyError, match="no API key"):
        revoke_key(db, "00000000", NOW)


def test_keys_cli_create_list_revoke(db_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app,
        [
            *("keys", "create", "--scope", "write", "--label", "county", "--member", "wang.duty"),
            *("--db", str(db_path), "--json"),
        ],
    )
    assert out.exit_code == 0, out.output
    created = json.loads(out.output)
    assert check_key(open_store(db_path), created["key"], "write").label == "county"
    listed = json.loads(runner.invoke(app, ["keys", "list", "--db", str(db_path), "--json"]).output)
    assert [k["id"] for k in listed] == [created["id"]]
    assert created["key"] not in json.dumps(listed)
    out = runner.invoke(app, ["keys", "revoke", created["id"], "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    with pytest.raises(ApiKeyRefused):
        check_key(open_store(db_path), created["key"], "read")
    out = runner.invoke(app, ["keys", "revoke", "ffffffff", "--db", str(db_path)])
    assert out.exit_code == 2 and "no API key" in out.output
    assert list_keys(open_store(db_path))[0].revoked_at is not None


def test_a_write_key_acts_for_a_member_who_may_receive_cases(db_path: Path) -> None:
    db = open_store(db_path)
    with pytest.raises(ApiKeyError, match="a write key acts for a member"):
        create_key(db, "write", "k", NOW)
    with pytest.raises(ApiKeyError, match="a read key acts for nobody"):
        create_key(db, "read", "k", NOW, "wang.duty")
    with pytest.raises(NotPermitted, match="unknown actor 'nobody.x'"):
        create_key(db, "write", "k", NOW, "nobody.x")
    with pytest.raises(NotPermitted, match="receive is for dispatcher, duty_chief; not for unit"):
        create_key(db, "write", "k", NOW, "chen.squad")  # a unit handler receives no cases
    create_account(db, "zhou.app", "周敏", Role.DISPATCHER, None, "pass-word-1", datetime.now(UTC))
    key = create_key(db, "write", "app", NOW, "zhou.app").key
    assert (key.member, check_key(db, create_key(db, "read", "r", NOW).secret, "read").member) == (
        "zhou.app",
        None,
    )
    update_account(db, "zhou.app", disabled=True)
    with pytest.raises(NotPermitted, match="zhou.app: the account is disabled"):
        bind_key(db, key.id, "zhou.app")


def test_a_write_key_from_before_members_is_refused_until_bound(db_path: Path) -> None:
    db = open_store(db_path)
    old = create_key(db, "write", "old app", NOW, "wang.duty")
    db.execute("UPDATE api_keys SET member = NULL WHERE id = ?", [old.key.id])  # as migrated
    assert check_key(db, old.secret, "read").id == old.key.id  # it still reads
    with pytest.raises(ApiKeyUnbound, match=f"collector keys bind {old.key.id} --member"):
        check_key(db, old.secret, "write")
    runner = CliRunner()
    listed = runner.invoke(app, ["keys", "list", "--db", str(db_path)])
    assert "(none: bind it)" in listed.output
    bound = runner.invoke(
        app, ["keys", "bind", old.key.id, "--member", "wang.duty", "--db", str(db_path)]
    )
    assert bound.exit_code == 0 and f"key {old.key.id} acts for wang.duty" in bound.output
    assert check_key(open_store(db_path), old.secret, "write").member == "wang.duty"
    refused = runner.invoke(
        app, ["keys", "bind", old.key.id, "--member", "chen.squad", "--db", str(db_path)]
    )
    assert refused.exit_code == 2 and "not for unit_handler" in refused.output
