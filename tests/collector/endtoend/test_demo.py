"""The one-command demo: broker, collector and agent in one process."""

from __future__ import annotations

import pytest

from collector.endtoend.demo import DemoOptions, run_demo


@pytest.mark.integration
def test_demo_runs_the_whole_chain_and_loses_nothing(tmp_path):
    lines: list[str] = []
    result = run_demo(DemoOptions(db=tmp_path / "demo.sqlite"), lines.append)
    assert result.emitted >= 2 and not result.stopped_early
    assert result.stored == result.emitted and result.lost == 0 and result.dead_letters == 0
    assert result.tickets >= 1
    assert sum(line.startswith("incident") for line in lines) == result.emitted
    assert any(line.startswith("ticket") for line in lines)
