"""The bounded queue that drops the oldest frame when the consumer is slow."""

from __future__ import annotations

import threading

import pytest

from edge_agent.ingest.dropqueue import DropOldestQueue


@pytest.mark.parametrize(
    ("maxsize", "puts", "kept", "dropped"),
    [
        (4, 3, [0, 1, 2], 0),
        (4, 4, [0, 1, 2, 3], 0),
        (4, 10, [6, 7, 8, 9], 6),
        (1, 5, [4], 4),
    ],
)
def test_drops_oldest(maxsize: int, puts: int, kept: list[int], dropped: int) -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(maxsize)
    flags = [queue.put(i) for i in range(puts)]
    assert sum(flags) == dropped == queue.dropped
    assert queue.put_count == puts
    out = []
    while (item := queue.get_nowait()) is not None:
        out.append(item)
    assert out == kept


def test_get_times_out_when_empty() -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(2)
    assert queue.get(timeout=0.05) is None


def test_close_wakes_a_waiting_consumer_after_the_rest_is_drained() -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(2)
    got: list[int | None] = []
    consumer = threading.Thread(target=lambda: got.extend([queue.get(10), queue.get(10)]))
    consumer.start()
    queue.put(7)
    queue.close()
    consumer.join(10)
    assert not consumer.is_alive()
    assert got == [7, None]
    assert queue.exhausted


def test_rejects_zero_size() -> None:
    with pytest.raises(ValueError, match="maxsize must be >= 1"):
        DropOldestQueue(0)
