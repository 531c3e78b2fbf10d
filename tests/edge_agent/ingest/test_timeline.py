"""Stream time: monotonic pts across sessions, the epoch, fps sampling, pts guessing (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from edge_agent.ingest.timeline import (
    DEFAULT_FILE_EPOCH,
    MIN_STEP_S,
    RESET_JUMP_S,
    FpsSampler,
    PtsGuesser,
    Timeline,
    file_epoch,
)

T0 = datetime(2026, 5, 1, 8, 0, 0, tzinfo=UTC)


class WallClock:
    def __init__(self, now: datetime = T0):
        self.now = now
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        return self.now


def test_file_first_pass_keeps_the_files_timestamps() -> None:
    line = Timeline(step_s=0.1, epoch=T0)
    line.start_session()
    raws = [0.0, 0.1, 0.2, 5.0]
    assert [line.map(r) for r in raws] == raws
    assert line.epoch == T0


def test_file_loop_continues_one_step_after_the_last_pts() -> None:
    line = Timeline(step_s=0.1, epoch=T0)
    line.start_session()
    first = [line.map(r) for r in (0.0, 1.0, 2.0)]
    line.start_session()
    second = [line.map(r) for r in (0.0, 1.0, 2.0)]
    assert second == pytest.approx([first[-1] + 0.1 + r for r in (0.0, 1.0, 2.0)])


def test_live_epoch_is_wall_clock_at_first_frame_minus_its_pts() -> None:
    clock = WallClock()
    line = Timeline(step_s=0.1, clock=clock)
    assert line.epoch is None
    line.start_session()
    assert line.map(0.9) == 0.9
    assert line.epoch == T0 - timedelta(seconds=0.9)
    line.map(1.9)
    assert clock.reads == 1  # the wall clock is read once per session, at its first frame


def test_a_first_frame_without_timestamp_does_not_fix_the_live_epoch() -> None:
    """RTSP: the first picture of a session has no pts and comes out of the buffer filled while
    opening, late; the first timed frame, read as it arrives, anchors the wall labels."""
    clock = WallClock()
    line = Timeline(step_s=0.1, clock=clock)
    line.start_session()
    assert line.map(0.0, timed=False) == 0.0  # read 1 s late, out of the open's buffer
    clock.now = T0 + timedelta(seconds=0.1)  # the next keyframe, stamped 1.0, arrives on time
    assert line.map(1.0) == 1.0
    assert line.epoch == T0 + timedelta(seconds=0.1) - timedelta(seconds=1.0)
    clock.now = T0 + timedelta(seconds=60)  # a reconnect: its untimed first frame, then timed
    line.start_session()
    first = line.map(0.0, timed=False)
    clock.now = T0 + timedelta(seconds=60.2)
    second = line.map(1.0)
    assert second > first > 1.0
    assert line.epoch + timedelta(seconds=second) == T0 + timedelta(seconds=60.2)


def test_live_reconnect_advances_by_the_outage_and_keeps_wall_labels() -> None:
    clock = WallClock()
    line = Timeline(step_s=0.1, clock=clock)
    line.start_session()
    before = [line.map(r) for r in (0.0, 1.0, 2.0)]
    clock.now = T0 + timedelta(seconds=60)  # the camera came back a minute later, at raw pts 0
    line.start_session()
    after = [line.map(r) for r in (0.0, 1.0)]
    assert after[0] > before[-1]
    assert line.epoch + timedelta(seconds=after[0]) == T0 + timedelta(seconds=60)
    assert after[1] - after[0] == pytest.approx(1.0)


def test_live_reconnect_never_goes_back_even_if_the_wall_clock_does() -> None:
    clock = WallClock()
    line = Timeline(step_s=0.1, clock=clock)
    line.start_session()
    last = [line.map(r) for r in (0.0, 10.0)][-1]
    clock.now = T0 - timedelta(hours=1)  # NTP stepped the clock back
    line.start_session()
    assert line.map(0.0) == pytest.approx(last + 0.1)


@pytest.mark.parametrize(
    ("raws", "monotone_from"),
    [
        ([0.0, 1.0, 2.0, 2.0, 3.0], 3),  # a repeated timestamp is clamped
        ([0.0, 1.0, 2.0, 1.5, 3.0], 3),  # small jitter backwards is clamped
        ([100.0, 101.0, 0.0, 1.0], 2),  # the stream's clock was reset: re-anchored
    ],
)
def test_within_a_session_pts_never_go_backwards(raws: list[float], monotone_from: int) -> None:
    line = Timeline(step_s=0.5, epoch=T0)
    line.start_session()
    out = [line.map(r) for r in raws]
    assert all(b > a for a, b in zip(out, out[1:], strict=False))
    assert out[monotone_from] - out[monotone_from - 1] >= MIN_STEP_S - 1e-9


def test_reset_reanchors_one_step_after_the_last() -> None:
    line = Timeline(step_s=0.5, epoch=T0)
    line.start_session()
    out = [line.map(r) for r in (100.0, 101.0, 101.0 - RESET_JUMP_S - 1, 102.0 - RESET_JUMP_S - 1)]
    assert out[2:] == pytest.approx([101.5, 102.5])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({}, "fixed epoch or a wall clock"), ({"epoch": datetime(2020, 1, 1)}, "timezone-aware")],
)
def test_timeline_needs_an_aware_epoch_or_a_clock(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Timeline(**kwargs)


@pytest.mark.parametrize(
    ("fps", "pts", "taken"),
    [
        (2.0, [i / 10 for i in range(16)], [0.0, 0.5, 1.0, 1.5]),  # 10 fps stream → every 5th
        (1.0, [i / 30 for i in range(91)], [0.0, 1.0, 2.0, 3.0]),  # 30 fps: float pts on the grid
        (1.0, [0.0, 0.5, 3.2, 3.3, 3.7, 4.1], [0.0, 3.2, 4.1]),  # a gap: next frame, grid goes on
        (4.0, [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]),  # asked more than the stream has: all frames
        (2.0, [7.25, 7.5, 7.75, 8.0], [7.25, 7.75]),  # grid anchored at the first pts
    ],
)
def test_fps_sampler_picks_by_pts(fps: float, pts: list[float], taken: list[float]) -> None:
    sampler = FpsSampler(fps)
    assert [p for p in pts if sampler.take(p)] == pytest.approx(taken)


def test_fps_sampler_rejects_non_positive_fps() -> None:
    with pytest.raises(ValueError, match="fps must be > 0"):
        FpsSampler(0)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([(0, 0), (10, 10), (20, 20)], [0, 10, 20]),  # in order: pts
        ([(None, 9), (10, 19), (20, 29)], [9, 10, 20]),  # no pts on the first frame: its dts
        ([(None, None)], [None]),
        ([(1, 3), (4, 4), (6, 5), (5, 6), (7, 7), (9, 8), (8, 9)], [1, 4, 6, 6, 7, 8, 9]),  # avi
    ],
)
def test_pts_guesser(pairs: list[tuple[int | None, int | None]], expected: list) -> None:
    guesser = PtsGuesser()
    assert [guesser.guess(p, d) for p, d in pairs] == expected


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (
            [{"creation_time": "2017-09-26T16:57:49.000000Z"}],
            datetime(2017, 9, 26, 16, 57, 49, tzinfo=UTC),
        ),
        ([{}, {"creation_time": "2019-01-02T03:04:05"}], datetime(2019, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ([{"creation_time": "1970-01-01T00:00:00.000000Z"}], DEFAULT_FILE_EPOCH),
        ([{"creation_time": "not a date"}], DEFAULT_FILE_EPOCH),
        ([{"encoder": "Lavf"}], DEFAULT_FILE_EPOCH),
    ],
)
def test_file_epoch(metadata: list[dict[str, str]], expected: datetime) -> None:
    assert file_epoch(*metadata) == expected


def test_a_live_epoch_moves_only_earlier_and_by_half_a_step_a_packet():
    noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    t = Timeline(step_s=0.1, clock=lambda: noon + timedelta(seconds=1))
    assert t.map(0.0) == 0.0  # read a second late: the epoch is a second late
    t.arrived(0.1, noon + timedelta(seconds=3))  # a packet held up: not a later epoch
    assert t.epoch == noon + timedelta(seconds=1)
    t.arrived(0.1, noon + timedelta(seconds=0.1))  # sent at once: half a step earlier
    assert t.epoch == noon + timedelta(seconds=0.95)
    labels = []
    for i in range(2, 40):
        t.arrived(i / 10, noon + timedelta(seconds=i / 10))
        labels.append(t.epoch + timedelta(seconds=i / 10))
    assert t.epoch == noon
    assert all(b > a for a, b in zip(labels, labels[1:], strict=False)), "labels stay in order"


def test_a_file_epoch_never_moves():
    t = Timeline(step_s=0.1, epoch=DEFAULT_FILE_EPOCH)
    t.map(0.0)
    t.arrived(5.0, DEFAULT_FILE_EPOCH)
    assert t.epoch == DEFAULT_FILE_EPOCH
