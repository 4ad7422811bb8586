"""A background writer: an in-memory queue drained in batches, retried with bounded backoff until written."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("madoguchi.audit")


def brief(exc: BaseException) -> str:
    """One line about an error (a database driver's message without the SQL statement)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0][:300] if lines else ''}"


class QueueWriter(Generic[T]):
    """Writes queued items on one daemon thread; a failed batch stays at the head and is retried."""

    def __init__(
        self,
        write: Callable[[list[T]], None],
        *,
        name: str = "audit-writer",
        max_items: int = 100_000,
        batch_size: int = 500,
        backoff: tuple[float, float] = (0.2, 5.0),
        on_written: Callable[[list[T]], None] | None = None,
        on_failure: Callable[[BaseException, int], None] | None = None,
        on_tick: Callable[[], None] | None = None,
        tick_seconds: float = 60.0,
        linger: float = 0.0,
    ) -> None:
        self._write = write
        self._name = name
        self._max = max_items
        self._batch = batch_size
        self._backoff_min, self._backoff_max = backoff
        self._on_written = on_written
        self._on_failure = on_failure
        self._on_tick = on_tick
        self._tick_seconds = tick_seconds
        self._linger = linger  # seconds the first queued item waits for others to share its write (one commit)
        self._since = 0.0  # when the oldest item still waiting for a write was queued
        self._flushing = 0  # callers waiting in flush(): no lingering while they wait
        self._queue: deque[T] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stop = False
        self.failures = 0  # failed write attempts since start
        self._streak = 0  # consecutive failed attempts

    # --- producer side --------------------------------------------------------------------------
    def put(self, item: T) -> bool:
        """Queue one item; False (and nothing queued) when the queue is full or the writer closed."""
        with self._cond:
            if self._stop or len(self._queue) >= self._max:
                return False
            self._queue.append(item)
            self._start()
            if len(self._queue) == 1:
                self._since = time.monotonic()
                self._cond.notify_all()  # the writer sleeps on an empty queue
            elif len(self._queue) >= self._batch:
                self._cond.notify_all()  # a full batch ends the linger (otherwise the writer wakes on its own)
            return True

    def pending(self) -> int:
        """Items queued and not yet written."""
        with self._cond:
            return len(self._queue)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._flushing += 1
            self._cond.notify_all()  # cut the writer's linger short
            try:
                while self._queue:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._stop:
                        return False
                    self._cond.wait(left)
                return True
            finally:
                self._flushing -= 1

    def close(self, timeout: float = 10.0) -> bool:
        """Flush (up to ``timeout``), then stop the thread; False when items were left unwritten."""
        flushed = self.flush(timeout)
        with self._cond:
            self._stop = True
            left = len(self._queue)
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=max(1.0, self._backoff_max))
        if left:
            log.error("audit log closed with %d rows unwritten", left)
        return flushed and not left

    # --- writer thread -------------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        delay = 0.0
        next_tick = time.monotonic() + self._tick_seconds
        while True:
            with self._cond:
                if delay > 0:  # back off; new items do not cut the wait short (no hammering a down database)
                    deadline = time.monotonic() + delay
                    while not self._stop and (left := deadline - time.monotonic()) > 0:
                        self._cond.wait(left)
                while not self._queue and not self._stop and (left := next_tick - time.monotonic()) > 0:
                    self._cond.wait(left)
                while (self._queue and len(self._queue) < self._batch and not self._stop and not self._flushing
                       and (left := self._since + self._linger - time.monotonic()) > 0):
                    self._cond.wait(left)  # linger: let the next few items share this write
                if self._stop:
                    return
                batch = list(islice(self._queue, self._batch))
            delay = 0.0
            if self._on_tick is not None and time.monotonic() >= next_tick:
                next_tick = time.monotonic() + self._tick_seconds
                self._tick()
            if not batch:
                continue
            try:
                self._write(batch)
            except Exception as exc:
                self.failures += 1
                delay = self._next_delay(exc)
                continue
            self._done(batch)

    def _next_delay(self, exc: BaseException) -> float:
        self._streak += 1
        streak = self._streak
        delay = min(self._backoff_max, self._backoff_min * (2 ** (streak - 1)))
        queued = self.pending()
        reason = brief(exc)
        if streak == 1:
            log.warning("audit log write failed; %d rows kept queued, retrying: %s", queued, reason)
        else:
            log.warning("audit log write failed again (%d); %d rows queued, next try in %.1fs: %s", streak, queued, delay, reason)
        if self._on_failure is not None:
            try:
                self._on_failure(exc, queued)
            except Exception:
                log.exception("audit failure hook failed")
        return delay

    def _done(self, batch: list[T]) -> None:
        if self._streak:
            log.info("audit log writes resumed after %d failed attempts", self._streak)
            self._streak = 0
        with self._cond:
            for _ in batch:
                self._queue.popleft()
            self._since = time.monotonic()  # what arrived during the write lingers afresh
            self._cond.notify_all()
        if self._on_written is not None:
            try:
                self._on_written(batch)
            except Exception:
                log.exception("audit written hook failed")

    def _tick(self) -> None:
        assert self._on_tick is not None
        try:
            self._on_tick()
        except Exception as exc:
            log.warning("audit log periodic task failed: %s", exc)
