"""``policy.patrol`` is strict: a bad window or an unknown key is refused naming the field, and
the stop-work category must exist."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from collector.config.patrol import PatrolPolicy
from collector.config.references import reference_problems
from tests.collector.builders import example_center


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"default_window": "17:00-09:00"}, "default_window"),
        ({"default_window": "9-17"}, "default_window"),
        ({"grace_min": -1}, "grace_min"),
        ({"known_for_days": 0}, "known_for_days"),
        ({"stop_work_category": "stop"}, "stop_work_category"),
        ({"window": "09:00-17:00"}, "window"),  # not a key of the section
    ],
)
def test_a_bad_patrol_setting_is_refused_naming_it(values: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        PatrolPolicy.model_validate(values)
    assert err.value.errors()[0]["loc"][0] == field


def test_the_stop_work_category_must_exist() -> None:
    center, _ = example_center()
    assert reference_problems(center) == []
    policy = center.policy.model_copy(update={"patrol": PatrolPolicy(stop_work_category="9999")})
    broken = center.model_copy(update={"policy": policy})
    assert reference_problems(broken) == [
        ("policy.patrol.stop_work_category", "9999", "unknown category")
    ]
