"""``slicing: auto`` on real footage and real models: what it picks, why, and what it costs."""

from __future__ import annotations

import logging
from pathlib import Path

import av
import numpy as np
import pytest

from edge_agent.config.models import CameraConfig, SlicingConfig
from edge_agent.detect.auto_slicing import PROBE_EVERY_S, SlicingPlan, network_side


def frame_at(video: Path, index: int) -> np.ndarray:
    with av.open(str(video)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return frame.to_ndarray(format="bgr24")
    raise AssertionError(f"{video} has no frame {index}")


def test_auto_is_the_default():
    assert CameraConfig(id="c", url="x.mp4").slicing == "auto"


def test_small_people_on_a_busy_plaza_get_tiles(ssd, vtest, caplog):
    plan = SlicingPlan("auto", network_side(ssd), "plaza")
    with caplog.at_level(logging.INFO, logger="edge_agent.detect.auto_slicing"):
        found, timings = plan.detect(ssd, frame_at(vtest, 400), 40.0)
    choice = plan.choice
    assert choice.mode == "tiles" and choice.slicing == SlicingConfig(tile=320)
    assert "(small)" in choice.reason and choice.tiled_ms > choice.whole_ms > 0
    assert "plaza: slicing auto -> tiles: tiles 320 px" in caplog.text
    assert len(found) == int(choice.reason.split("tiles ")[-1].split()[0])
    # the probe ran both passes: this frame's cost counts them both
    assert sum(timings.values()) * 1000 == pytest.approx(choice.whole_ms + choice.tiled_ms)
    # until the recheck, frames run the tiles only: one pass, with the chosen tiles
    asked = _Recording(ssd)
    plan.detect(asked, frame_at(vtest, 410), 41.0)
    assert asked.slicings == [SlicingConfig(tile=320)]


class _Recording:
    """The detector, noting the slicing of every pass it is asked to run."""

    def __init__(self, detector):
        self._detector = detector
        self.slicings: list = []

    @property
    def last_timings(self):
        return self._detector.last_timings

    def detect(self, image, slicing=None):
        self.slicings.append(slicing)
        return self._detector.detect(image, slicing)


def test_large_people_near_the_camera_stay_whole_frame(ssd, frames):
    plan = SlicingPlan("auto", network_side(ssd), "room")
    plan.detect(ssd, frames[0], 0.0)  # the empty room: nothing to judge by
    assert plan.choice.mode == "probing" and "nobody in view yet" in plan.choice.reason
    plan.detect(ssd, frames[75], 10.0)  # before the next probe: whole frame, no decision
    assert plan.choice.mode == "probing"
    plan.detect(ssd, frames[75], PROBE_EVERY_S)
    assert plan.choice.mode == "off" and "median person" in plan.choice.reason


def test_an_empty_lane_backs_its_probes_off_until_someone_is_seen(ssd, frames):
    plan = SlicingPlan("auto", network_side(ssd), "room")
    plan.detect(ssd, frames[0], 0.0)  # the empty room: both passes, nobody
    assert plan.probes_at(PROBE_EVERY_S)
    plan.detect(ssd, frames[0], PROBE_EVERY_S)  # empty again: the next one waits twice as long
    assert not plan.probes_at(2.9 * PROBE_EVERY_S) and plan.probes_at(3 * PROBE_EVERY_S)
    _, timings = plan.detect(ssd, frames[75], 2 * PROBE_EVERY_S)  # whole frame finds someone
    assert plan.choice.mode == "probing" and timings  # a plain detection, no decision yet
    assert plan.probes_at(2 * PROBE_EVERY_S + 1)  # ... and the next frame probes
    plan.detect(ssd, frames[75], 2 * PROBE_EVERY_S + 1)
    assert plan.choice.mode == "off" and "median person" in plan.choice.reason


def test_a_frame_near_the_network_size_is_never_tiled(yolox, shared_data):
    plan = SlicingPlan("auto", network_side(yolox), "road")
    plan.detect(yolox, frame_at(shared_data / "video/road.avi", 0), 0.0)  # 320x240
    assert plan.choice.mode == "off" and "tiles add no detail" in plan.choice.reason
    assert not plan.auto  # decided for good


@pytest.mark.parametrize(("setting", "mode"), [("off", "off"), (None, "off")])
def test_fixed_settings_are_kept(ssd, frames, setting, mode):
    plan = SlicingPlan(setting, network_side(ssd))
    plan.detect(ssd, frames[75], 0.0)
    assert plan.choice.mode == mode and plan.choice.reason == "configured"


def test_replay_reports_the_choice_and_cost(shared_data):
    from typer.testing import CliRunner

    from edge_agent.cli.main import app

    result = CliRunner().invoke(app, ["replay", str(shared_data / "video/road.avi")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "slicing off: whole frame" in out and "tiles add no detail" in out
    assert "ms per analysed frame" in out
