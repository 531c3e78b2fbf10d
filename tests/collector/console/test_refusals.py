"""Every refusal (collector.errors.MESSAGES: the workflow, accounts, API keys) has its zh-CN
sentence, and every value it names is either translated (a domain word) or shown as it is (ids,
numbers, codes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from collector.accounts import (
    MAX_FAILURES,
    LoginRefused,
    authenticate,
    create_account,
    update_account,
)
from collector.api import keys
from collector.api.keys import ApiKeyError, check_key, create_key, revoke_key
from collector.config.models import Role
from collector.console.i18n import catalogue, translator
from collector.console.refusals import PLAIN_VALUES, VALUE_LABELS, explain, placeholders, show
from collector.errors import MESSAGES, GuardFailed, Message, MessageError, NotPermitted
from collector.store import open_store
from tests.collector.builders import example_center


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_each_message_id_has_a_chinese_sentence_with_the_same_values(message_id: str):
    template = MESSAGES[message_id]
    zh = catalogue("zh_CN").get(template)
    assert zh, f"{message_id}: no zh-CN translation of {template!r}"
    assert placeholders(zh) == placeholders(template)
    unknown = placeholders(template) - set(VALUE_LABELS) - PLAIN_VALUES
    assert not unknown, f"{message_id}: say how {unknown} is shown (console/refusals.py)"


def test_domain_words_inside_a_refusal_are_translated_too():
    center, _ = example_center()
    inner = Message("unit_not_responsible", {"unit": "xitang-squad", "units": ()})
    err = GuardFailed("guard_failed", ticket=3, action="accept", reason=inner)
    assert str(err) == (
        "ticket 3: cannot accept: unit xitang-squad is not responsible (dispatched to none)"
    )
    assert err.message is not None
    zh = show(err.message, translator("zh_CN"), center)
    squad = catalogue("zh_CN")[next(u.name for u in center.units if u.id == "xitang-squad")]
    assert zh == f"案件 3：不能“签收”：{squad}不是责任单位（已派给：无）"
    role = NotPermitted("right_not_for_role", right="administer", roles=("admin",), role="leader")
    assert role.message is not None
    assert show(role.message, translator("zh_CN")) == "“管理平台”仅限系统管理员；中心领导无此权限"
    assert show(role.message, translator("en")) == (
        "administer the console is for administrator; not for leader"
    )


def test_times_show_in_the_centers_zone_and_unknown_ids_are_refused():
    at = datetime(2015, 5, 4, 1, 0, tzinfo=UTC)
    msg = Message("step_before_last", {"ticket": 1, "action": "close", "at": at, "last": at})
    assert "2015年5月4日 09:00:00" in show(msg, translator("zh_CN"))
    assert "2015-05-04T01:00:00+00:00" in str(msg)
    with pytest.raises(ValueError, match="unknown message id 'no_such_reason'"):
        GuardFailed("no_such_reason")
    assert GuardFailed("a sentence, kept as it is").message is None


ACCOUNT_AND_KEY_IDS = {
    "account_id_invalid", "account_name_empty", "account_role_system", "account_needs_unit",
    "account_locale_unknown", "password_too_short", "account_exists", "no_account",
    "account_fields_fixed", "login_refused", "login_disabled", "login_locked", "login_locked_now",
    "key_scope_unknown", "read_key_no_member", "write_key_needs_member", "no_api_key",
    "api_key_missing", "api_key_malformed", "api_key_refused", "api_key_scope", "api_key_unbound",
}  # fmt: skip


def _account_errors(db) -> list[MessageError]:
    """The refusals of the accounts' store, each raised for real."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    create_account(db, "wang.duty", "王军", Role.DUTY_CHIEF, "xitang-center", "right-pass", now)
    calls = [
        lambda: create_account(db, "Bad Id", "x", Role.LEADER, None, "long-enough", now),
        lambda: create_account(db, "ye.leader", " ", Role.LEADER, None, "long-enough", now),
        lambda: create_account(db, "bot", "Bot", Role.SYSTEM, None, "long-enough", now),
        lambda: create_account(db, "xu.t", "Xu", Role.UNIT_HANDLER, None, "long-enough", now),
        lambda: create_account(db, "ye.leader", "Ye", Role.LEADER, None, "short", now),
        lambda: create_account(db, "wang.duty", "W", Role.LEADER, None, "long-enough", now),
        lambda: update_account(db, "nobody", name="x"),
        lambda: update_account(db, "wang.duty", locale="fr"),
        lambda: update_account(db, "wang.duty", password_hash="x"),
        lambda: authenticate(db, "nobody", "x", now),
    ]
    calls += [lambda: authenticate(db, "wang.duty", "wrong", now)] * MAX_FAILURES
    calls += [lambda: authenticate(db, "wang.duty", "right-pass", now)]
    errors = []
    for call in calls:
        with pytest.raises(MessageError) as err:
            call()
        errors.append(err.value)
    update_account(db, "wang.duty", disabled=True)
    with pytest.raises(LoginRefused) as disabled:
        authenticate(db, "wang.duty", "right-pass", now)
    return [*errors, disabled.value]


def _key_errors(db) -> list[MessageError]:
    """The refusals of the API keys, each raised for real."""
    now = "2026-12-01T00:00:00+00:00"
    read = create_key(db, "read", "county", now)
    db.table("api_keys").insert(  # a write key of before keys named a member
        {
            "id": "0badc0de",
            "label": "old",
            "scope": "write",
            "salt": "00" * 16,
            "hash": "",
            "created_at": now,
            "revoked_at": None,
            "member": None,
        }
    )
    unbound = "gwk_0badc0de_x"
    db.table("api_keys").update("0badc0de", {"hash": keys._digest("00" * 16, "x")})
    calls = [
        lambda: create_key(db, "admin", "x", now),
        lambda: create_key(db, "read", "x", now, "wang.duty"),
        lambda: create_key(db, "write", "x", now),
        lambda: revoke_key(db, "ffffffff", now),
        lambda: check_key(db, None, "read"),
        lambda: check_key(db, "nonsense", "read"),
        lambda: check_key(db, "gwk_ffffffff_x", "read"),
        lambda: check_key(db, read.secret, "write"),
        lambda: check_key(db, unbound, "write"),
    ]
    errors = []
    for call in calls:
        with pytest.raises(ApiKeyError) as err:
            call()
        errors.append(err.value)
    return errors


def test_account_and_key_refusals_have_ids_and_chinese_sentences():
    """str(err) stays the English sentence (CLI, logs); the console shows the zh-CN one."""
    db = open_store(":memory:")
    errors = _account_errors(db) + _key_errors(db)
    ids = {e.message.id for e in errors if e.message is not None}
    assert all(e.message is not None for e in errors), [str(e) for e in errors]
    assert ids == ACCOUNT_AND_KEY_IDS
    zh = catalogue("zh_CN")
    for err in errors:
        assert err.message is not None
        assert str(err) == str(err.message)  # the English sentence, as the CLI prints it
        assert zh.get(err.message.template), err.message.id
        shown = explain(err, translator("zh_CN"))
        assert shown != str(err) and re.search(r"[\u4e00-\u9fff]", shown), (err.message.id, shown)
    exists = next(e for e in errors if e.message and e.message.id == "account_exists")
    assert str(exists) == "account wang.duty already exists"
    assert explain(exists, translator("zh_CN")) == "账号 wang.duty 已存在"
    locked = next(e for e in errors if e.message and e.message.id == "login_locked_now")
    assert isinstance(locked, LoginRefused) and locked.kind == "locked"
    assert "2026年12月1日 08:15:00" in explain(locked, translator("zh_CN"))
    scope = next(e for e in errors if e.message and e.message.id == "api_key_scope")
    assert "“只读”" in explain(scope, translator("zh_CN"))  # the scope word translated too
