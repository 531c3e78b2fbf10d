"""Decoded pictures convert to BGR on demand, and their grey picture needs no conversion."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from edge_agent.config.models import DecodeMode
from edge_agent.frames import BgrPicture, Frame
from edge_agent.ingest.picture import DecodedPicture
from edge_agent.ingest.source import AvSource, SourceSpec


def decoded_keyframes(path: Path, count: int) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        out = []
        for frame in container.decode(stream):
            out.append(frame)
            if len(out) == count:
                break
    return out


@pytest.mark.parametrize("name", ["one-by-one-person.mp4", "highway.avi", "car-park.mp4"])
def test_grey_from_the_luma_plane_matches_grey_from_the_bgr_conversion(
    shared_data: Path, name: str
) -> None:
    for decoded in decoded_keyframes(shared_data / "video" / name, 3):
        expected_bgr = decoded.to_ndarray(format="bgr24")
        picture = DecodedPicture(decoded)
        grey = picture.gray()
        assert grey.shape == expected_bgr.shape[:2] and grey.dtype == np.uint8
        error = np.abs(grey.astype(int) - cv2.cvtColor(expected_bgr, cv2.COLOR_BGR2GRAY))
        assert error.mean() < 2.0, f"{name}: mean grey error {error.mean():.2f} levels"
        assert np.array_equal(picture.bgr(), expected_bgr)


def test_bgr_is_converted_once_then_the_decoder_frame_is_let_go(shared_data: Path) -> None:
    (decoded,) = decoded_keyframes(shared_data / "video" / "one-by-one-person.mp4", 1)
    took: list[float] = []
    picture = DecodedPicture(decoded, took.append)
    grey = picture.gray()
    assert took == []  # grey alone converts nothing
    first = picture.bgr()
    assert picture.bgr() is first and picture.gray() is grey
    assert len(took) == 1 and took[0] > 0
    assert picture._decoded is None  # only the BGR array is held from now on
    assert (picture.width, picture.height) == (first.shape[1], first.shape[0])


def test_a_picture_converted_first_gives_grey_from_its_bgr(shared_data: Path) -> None:
    (decoded,) = decoded_keyframes(shared_data / "video" / "one-by-one-person.mp4", 1)
    picture = DecodedPicture(decoded)
    bgr = picture.bgr()
    assert np.array_equal(picture.gray(), cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))


def test_the_source_converts_only_the_frames_someone_looks_at(shared_data: Path) -> None:
    path = shared_data / "video" / "one-by-one-person.mp4"
    source = AvSource(SourceSpec("cam1", str(path), DecodeMode.KEYFRAMES))
    with source:
        frames = list(source.frames())
    assert source.stats.converted == 0 and source.stats.convert_s == 0.0
    assert all(f.gray.shape == (f.height, f.width) for f in frames)
    assert source.stats.converted == 0
    looked = frames[::3]
    for f in looked:
        assert f.image.shape == (f.height, f.width, 3)
    assert source.stats.converted == len(looked) and source.stats.convert_s > 0


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((4, 6), np.uint8), r"shape \(h, w, 3\); got \(4, 6\)"),
        (np.zeros((4, 6, 3), np.float32), "uint8; got float32"),
        ("not a picture", r"shape \(h, w, 3\); got str"),
    ],
)
def test_a_frame_refuses_what_is_not_a_bgr_picture(image: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Frame("cam1", image, 0.0)  # type: ignore[arg-type]


def test_a_frame_of_a_bgr_array_keeps_that_array() -> None:
    image = np.full((4, 6, 3), (10, 20, 30), np.uint8)
    frame = Frame("cam1", image, 0.0)
    assert frame.image is image
    assert frame.gray is frame.gray
    assert np.array_equal(frame.gray, BgrPicture(image).gray())


def test_a_conversion_on_one_scaler_thread_gives_the_same_picture(shared_data: Path) -> None:
    """One scaler thread per conversion (no thread pool started per picture): same pixels as
    FFmpeg's default."""
    for decoded in decoded_keyframes(shared_data / "video" / "highway.avi", 2):
        assert np.array_equal(DecodedPicture(decoded).bgr(), decoded.to_ndarray(format="bgr24"))
