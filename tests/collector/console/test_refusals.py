"""Every workflow refusal (collector.errors.MESSAGES) has its zh-CN sentence, and every value it
names is either translated (a domain word) or shown as it is (ids, numbers, codes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from collector.console.i18n import catalogue, translator
from collector.console.refusals import PLAIN_VALUES, VALUE_LABELS, placeholders, show
from collector.errors import MESSAGES, GuardFailed, Message, NotPermitted
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
