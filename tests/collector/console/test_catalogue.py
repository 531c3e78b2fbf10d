"""Every word the console can show has its zh-CN translation; a missing one is caught."""

from __future__ import annotations

from collector.console.i18n import MISSING, catalogue, translator
from collector.console.messages import config_msgids, source_msgids
from collector.console.web import local_time
from tests.collector.builders import example_center, local


def test_every_msgid_of_templates_code_and_config_is_translated():
    zh = catalogue("zh_CN")
    center, _ = example_center()
    wanted = dict(source_msgids()) | {m: "configs/grid" for m in config_msgids(center)}
    assert len(wanted) > 200
    untranslated = {m: where for m, where in wanted.items() if not zh.get(m)}
    assert not untranslated, f"msgids without a zh-CN translation: {untranslated}"


def test_placeholders_survive_translation():
    zh = catalogue("zh_CN")
    for msgid, text in zh.items():
        names = sorted(p.split("}")[0].split(":")[0] for p in msgid.split("{")[1:])
        assert names == sorted(p.split("}")[0].split(":")[0] for p in text.split("{")[1:]), msgid


def test_an_untranslated_msgid_is_recorded_and_dates_are_chinese():
    MISSING.discard("a word nobody translated")
    assert translator("zh_CN").gettext("a word nobody translated") == "a word nobody translated"
    assert "a word nobody translated" in MISSING
    MISSING.discard("a word nobody translated")
    at = local(2015, 5, 1, 9, 5)
    assert local_time(at, translator("zh_CN")) == "2015年5月1日 09:05"
    assert local_time(at, translator("en")) == "2015-05-01 09:05"
