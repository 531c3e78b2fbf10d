"""The decode throughput measurement converts what its ``--look`` asks for, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_agent.config.models import DecodeMode
from edge_agent.ingest import throughput


@pytest.mark.parametrize(("look", "converts"), [("none", False), ("gray", False), ("bgr", True)])
def test_a_run_converts_only_when_it_looks_in_colour(
    shared_data: Path, look: str, converts: bool
) -> None:
    clip = str(shared_data / "video" / "car-park.mp4")
    run = throughput.measure(clip, DecodeMode.KEYFRAMES, None, threads=1, look=look)
    assert run["frames_yielded"] > 0 and run["cpu_s"] > 0
    assert (run["stages_s"]["convert_s"] > 0) is converts


def test_the_command_prints_one_line_per_mode_asked(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = str(shared_data / "video" / "car-park.mp4")
    assert throughput.main([clip, "--repeat", "1", "--modes", "keyframes", "--look", "both"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["mode"], line["look"]) for line in lines] == [("keyframes", "both")]
    assert lines[0]["cpu_ms_per_frame_median"] > 0


def test_an_unknown_mode_is_refused_by_name(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = str(shared_data / "video" / "car-park.mp4")
    with pytest.raises(SystemExit):
        throughput.main([clip, "--modes", "keyframes,every2"])
    assert "unknown mode 'every2'" in capsys.readouterr().err
