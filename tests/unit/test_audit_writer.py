"""The audit log's background writer: rows that arrive together share one write, and a flush or a shutdown never
waits out the linger nor loses a row."""

from __future__ import annotations

import threading
import time

from bot.audit.writer import QueueWriter


def _recording() -> tuple[list[list[int]], QueueWriter[int]]:
    batches: list[list[int]] = []
    return batches, QueueWriter(batches.append, linger=30.0)


def test_rows_queued_together_are_written_in_one_batch_and_flush_does_not_wait_for_the_linger() -> None:
    batches, writer = _recording()
    for i in range(5):
        assert writer.put(i)
    started = time.monotonic()
    assert writer.flush(timeout=10.0)
    assert time.monotonic() - started < 10.0  # a 30 s linger would have timed the flush out
    assert batches == [[0, 1, 2, 3, 4]]
    writer.close()


def test_close_writes_everything_still_lingering() -> None:
    batches, writer = _recording()
    for i in range(3):
        writer.put(i)
    assert writer.close(timeout=10.0)
    assert [row for batch in batches for row in batch] == [0, 1, 2]
    assert not writer.put(99)  # closed: refused, not silently queued


def test_a_full_batch_is_written_without_waiting_for_the_linger() -> None:
    written = threading.Event()
    writer: QueueWriter[int] = QueueWriter(lambda batch: written.set(), linger=30.0, batch_size=4)
    for i in range(4):
        writer.put(i)
    assert written.wait(10.0)
    writer.close()
