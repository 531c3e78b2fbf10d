"""Accounts: argon2 hashes, lock-out after five failures, and actors resolved to real members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collector.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    AccountError,
    LoginRefused,
    authenticate,
    create_account,
    get_account,
    resolve_actor,
    update_account,
)
from collector.config.models import Role
from collector.errors import NotPermitted
from tests.collector.builders import center_db, example_center

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def db():
    db = center_db()
    create_account(db, "wang.duty", "Wang Jun", Role.DUTY_CHIEF, "xitang-center", "right-pass", NOW)
    return db


def test_the_password_is_stored_as_an_argon2_hash(db):
    stored = db.execute("SELECT password_hash FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2id$") and "right-pass" not in stored
    assert authenticate(db, "wang.duty", "right-pass", NOW).role is Role.DUTY_CHIEF


def test_five_failures_lock_the_account_even_against_the_right_password(db):
    for n in range(1, MAX_FAILURES):
        with pytest.raises(LoginRefused) as err:
            authenticate(db, "wang.duty", f"wrong-{n}", NOW)
        assert err.value.kind == "credentials"
    with pytest.raises(LoginRefused) as err:
        authenticate(db, "wang.duty", "wrong-5", NOW)
    assert err.value.kind == "locked" and err.value.until == NOW + timedelta(minutes=LOCK_MINUTES)
    with pytest.raises(LoginRefused, match="locked until"):
        authenticate(db, "wang.duty", "right-pass", NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert authenticate(db, "wang.duty", "right-pass", later).failures == 0


def test_a_success_resets_the_count_and_an_admin_can_unlock(db):
    for _n in range(MAX_FAILURES - 1):
        with pytest.raises(LoginRefused):
            authenticate(db, "wang.duty", "nope", NOW)
    authenticate(db, "wang.duty", "right-pass", NOW)
    assert get_account(db, "wang.duty").failures == 0
    for _n in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            authenticate(db, "wang.duty", "nope", NOW)
    update_account(db, "wang.duty", unlock=True)
    assert authenticate(db, "wang.duty", "right-pass", NOW).locked_until is None


def test_an_unknown_account_is_refused_like_a_wrong_password(db):
    with pytest.raises(LoginRefused) as err:
        authenticate(db, "nobody", "right-pass", NOW)
    assert err.value.kind == "credentials" and str(err.value) == "unknown account or wrong password"


@pytest.mark.parametrize(
    ("account_id", "role", "unit", "password", "message"),
    [
        ("Bad Id", Role.LEADER, None, "long-enough", "account id 'Bad Id'"),
        ("xu.tourism", Role.UNIT_HANDLER, None, "long-enough", "a unit handler needs a unit"),
        ("bot", Role.SYSTEM, None, "long-enough", "role 'system' is the platform's"),
        ("ye.leader", Role.LEADER, None, "short", "at least 8 characters"),
        ("wang.duty", Role.DUTY_CHIEF, None, "long-enough", "already exists"),
    ],
)
def test_bad_accounts_are_refused_with_the_field(db, account_id, role, unit, password, message):
    with pytest.raises(AccountError, match=message):
        create_account(db, account_id, "Name", role, unit, password, NOW)


def test_actors_resolve_to_members_with_their_own_role_and_unit(db):
    center, _ = example_center()
    update_account(db, "wang.duty", role=Role.DISPATCHER)  # the account wins over units.yaml
    assert resolve_actor(db, center, "wang.duty").role is Role.DISPATCHER
    handler = resolve_actor(db, center, "chen.squad")  # a member in units.yaml, no account
    assert (handler.role, handler.unit) == (Role.UNIT_HANDLER, "xitang-squad")
    with pytest.raises(NotPermitted, match="unknown actor 'nobody.x'"):
        resolve_actor(db, center, "nobody.x")
    with pytest.raises(
        NotPermitted, match="chen.squad is unit_handler of xitang-squad, not duty_chief"
    ):
        resolve_actor(db, center, "chen.squad", Role.DUTY_CHIEF)
    update_account(db, "wang.duty", disabled=True)
    with pytest.raises(NotPermitted, match="disabled"):
        resolve_actor(db, center, "wang.duty")
