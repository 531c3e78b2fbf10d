"""PyAV frame sources on the shared clips: keyframe and fps modes, avi, epochs, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest

from edge_agent.config.models import CameraConfig, DecodeMode
from edge_agent.errors import SourceError
from edge_agent.ingest.source import AvSource, SourceSpec, is_live_url, open_source, redact_url
from edge_agent.ingest.timeline import DEFAULT_FILE_EPOCH, file_epoch
from tests.fixtures.rtsp import free_port

KEY, FPS = DecodeMode.KEYFRAMES, DecodeMode.FPS


def video(shared_data: Path, name: str) -> Path:
    return shared_data / "video" / name


def probe(path: Path) -> dict:
    """What PyAV itself reports about the clip, computed independently of the source."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        return {
            "packets": len(packets),
            "keyframes": sum(p.is_keyframe for p in packets),
            "shape": (stream.codec_context.height, stream.codec_context.width, 3),
            "duration_s": float(container.duration) / av.time_base,
            "metadata": (dict(container.metadata), dict(stream.metadata)),
        }


def read_all(spec: SourceSpec) -> tuple[AvSource, list]:
    source = AvSource(spec)
    with source:
        frames = list(source.frames())
    return source, frames


def test_keyframes_mode_yields_exactly_the_keyframes(shared_data: Path) -> None:
    path = video(shared_data, "one-by-one-person.mp4")
    info = probe(path)
    source, frames = read_all(SourceSpec("cam1", str(path), KEY))
    assert len(frames) == info["keyframes"]
    assert all(f.keyframe and f.camera_id == "cam1" for f in frames)
    pts = [f.pts for f in frames]
    assert all(b > a for a, b in zip(pts, pts[1:], strict=False))
    assert [f.index for f in frames] == list(range(len(frames)))
    assert {f.image.shape for f in frames} == {info["shape"]}
    assert frames[0].image.dtype == np.uint8
    assert source.stats.packets == info["packets"]
    assert source.stats.decoded == source.stats.yielded == len(frames)
    assert source.stats.sessions == 1


def test_a_keyframe_comes_out_when_its_packet_is_read_not_a_gop_later(shared_data: Path) -> None:
    """The clip has B-frames, so the decoder's reorder buffer would hold each keyframe until the
    next decoded picture: with only keyframes decoded, the next keyframe, a second later."""
    path = video(shared_data, "one-by-one-person.mp4")
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(container.streams.video[0]) if p.size]
    assert any(p.pts != p.dts for p in packets), "the clip reorders frames (B-frames)"
    key_packets = [i + 1 for i, p in enumerate(packets) if p.is_keyframe]  # packets read by then
    source = AvSource(SourceSpec("cam1", str(path), KEY))
    with source:
        read_at = [source.stats.packets for _ in source.frames()]
    assert read_at == key_packets


def test_keyframes_before_the_next_look_are_not_decoded(shared_data: Path) -> None:
    """A consumer that needs no picture before a stream time: the key packets before it are
    counted, not decoded; one that lands on it is decoded (the looks follow the consumer)."""
    path = video(shared_data, "one-by-one-person.mp4")
    every = [f.pts for f in read_all(SourceSpec("cam1", str(path), KEY))[1]]
    source = AvSource(SourceSpec("cam1", str(path), KEY))
    looked = []
    with source:
        for frame in source.frames():
            looked.append(frame.pts)
            source.next_look_pts = frame.pts + 3.0  # every third keyframe (1 s apart)
    assert looked == every[::3]
    assert source.stats.undecoded == len(every) - len(looked)
    assert source.stats.decoded == len(looked)
    source.next_look_pts = None
    with source:  # a new session: every keyframe again until the consumer says otherwise
        assert len(list(source.frames())) == len(every)


def test_a_clock_that_jumps_back_is_decoded_not_skipped_on_a_stale_offset(
    shared_data: Path,
) -> None:
    """The next look is far ahead, but the stream's clock went back (a looped or reset stream):
    the packet is decoded so the timeline re-anchors, instead of every packet being skipped."""
    path = video(shared_data, "one-by-one-person.mp4")
    source = AvSource(SourceSpec("cam1", str(path), KEY))
    with source:
        frames = source.frames()
        first = next(frames)
        assert source._session is not None
        source._session.offset = -1e6  # where the old clock said packets land: long ago
        source.next_look_pts = first.pts + 1e9
        assert next(frames).pts > first.pts
    assert source.stats.undecoded == 0


@pytest.mark.parametrize("fps", [0.5, 2.0, 5.0])
def test_fps_mode_yields_fps_frames_per_second_of_stream_time(
    shared_data: Path, fps: float
) -> None:
    path = video(shared_data, "one-by-one-person.mp4")
    info = probe(path)
    source, frames = read_all(SourceSpec("cam1", str(path), FPS, fps))
    assert abs(len(frames) - info["duration_s"] * fps) <= 1
    steps = np.diff([f.pts for f in frames])
    assert steps == pytest.approx(np.full(len(steps), 1 / fps), abs=0.051)
    assert source.stats.decoded == info["packets"]  # every frame is decoded
    assert source.stats.yielded == len(frames)


@pytest.mark.parametrize("name", ["highway.avi", "road.avi", "car-park.mp4"])
@pytest.mark.parametrize(("mode", "fps"), [(KEY, None), (FPS, 4.0)])
def test_other_containers_open_with_increasing_pts(
    shared_data: Path, name: str, mode: DecodeMode, fps: float | None
) -> None:
    path = video(shared_data, name)
    info = probe(path)
    _, frames = read_all(SourceSpec("c", str(path), mode, fps))
    assert frames, f"no frame from {name}"
    assert {f.image.shape for f in frames} == {info["shape"]}
    pts = [f.pts for f in frames]
    assert all(b > a for a, b in zip(pts, pts[1:], strict=False))
    assert pts[-1] <= info["duration_s"] + 0.5
    if mode is FPS:
        assert abs(len(frames) - info["duration_s"] * fps) <= 2


@pytest.mark.parametrize(
    ("name", "override"),
    [
        ("one-by-one-person.mp4", None),
        ("highway.avi", None),
        ("highway.avi", datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)),
    ],
)
def test_file_epoch_from_metadata_default_or_override(
    shared_data: Path, name: str, override: datetime | None
) -> None:
    path = video(shared_data, name)
    source = AvSource(SourceSpec("c", str(path), epoch=override))
    assert source.epoch is None  # known once opened
    with source:
        pass
    expected = override or file_epoch(*probe(path)["metadata"])
    assert source.epoch == expected
    if name == "highway.avi" and override is None:
        assert source.epoch == DEFAULT_FILE_EPOCH  # no creation_time in this avi


def test_reopened_file_continues_its_stream_time(shared_data: Path) -> None:
    source = AvSource(SourceSpec("c", str(video(shared_data, "highway.avi"))))
    passes = []
    for _ in range(2):
        with source:
            passes.append([f.pts for f in source.frames()])
    assert len(passes[0]) == len(passes[1])
    assert passes[1][0] > passes[0][-1]
    assert source.stats.sessions == 2


def test_missing_file_is_a_source_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "clip.mp4"
    with pytest.raises(SourceError, match=f"cam9: video file not found: {missing}"):
        AvSource(SourceSpec("cam9", str(missing))).open()


def test_a_file_that_is_not_a_video_is_a_source_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(SourceError, match=f"cam1: cannot open {junk}"):
        AvSource(SourceSpec("cam1", str(junk))).open()


def test_frames_before_open_is_an_error(shared_data: Path) -> None:
    source = AvSource(SourceSpec("c", str(video(shared_data, "road.avi"))))
    with pytest.raises(SourceError, match="before open"):
        next(source.frames())


def test_rtsp_connection_refused_is_a_source_error_without_password() -> None:
    url = f"rtsp://admin:s3cret@127.0.0.1:{free_port()}/cam"
    source = AvSource(SourceSpec("cam1", url, open_timeout_s=5, read_timeout_s=5))
    with pytest.raises(SourceError, match="cam1: cannot open rtsp://admin:\\*\\*\\*@127") as err:
        source.open()
    assert "s3cret" not in str(err.value)


def test_open_source_from_camera_config() -> None:
    cam = CameraConfig(
        id="cam2",
        url="rtsp://10.0.0.5/ch1",
        decode="fps",
        fps=2,
        reconnect={"open_timeout_s": 3, "read_timeout_s": 4},
    )
    source = open_source(cam, threads=1)
    assert source.spec == SourceSpec("cam2", cam.url, FPS, 2.0, 3.0, 4.0, threads=1)
    assert source.spec.is_live


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": FPS}, "needs fps > 0"),
        ({"mode": FPS, "fps": 0}, "needs fps > 0"),
        ({"epoch": datetime(2020, 1, 1)}, "timezone-aware"),
    ],
)
def test_spec_rejects_bad_values(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SourceSpec("c", "x.mp4", **kwargs)


@pytest.mark.parametrize(
    ("url", "live", "shown"),
    [
        ("rtsp://admin:pw@10.0.0.5:554/ch1", True, "rtsp://admin:***@10.0.0.5:554/ch1"),
        ("RTSP://10.0.0.5/ch1", True, "RTSP://10.0.0.5/ch1"),
        ("https://cam.example/stream.m3u8", True, "https://cam.example/stream.m3u8"),
        ("/data/clips/a:b@c.mp4", False, "/data/clips/a:b@c.mp4"),
        ("clips/a.avi", False, "clips/a.avi"),
    ],
)
def test_url_kinds_and_redaction(url: str, live: bool, shown: str) -> None:
    assert is_live_url(url) is live
    assert redact_url(url) == shown
