"""Shared fixtures. Servers (Mosquitto, RTSP) are started by the plugins below on free 127.0.0.1 ports."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures.mosquitto", "tests.fixtures.rtsp"]

# Run by the Debian Python that has GStreamer's ``gi`` (see fixtures/rtsp.py), never imported here;
# --doctest-modules would otherwise import it to look for examples.
collect_ignore = ["fixtures/rtsp_server.py"]

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
#: Real busy footage from Debian's opencv-doc (scripts/setup installs it): 768x576, 10 fps, 795 frames.
VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; its absence is an error, never a skip."""
    assert SHARED_DATA.is_dir(), f"test media missing: {SHARED_DATA} (see the README)"
    return SHARED_DATA


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def vtest() -> Path:
    """OpenCV's pedestrian clip; its absence is an error, never a skip (scripts/setup installs it)."""
    assert VTEST.is_file(), f"{VTEST} missing: apt-get install opencv-doc (scripts/setup does)"
    return VTEST
