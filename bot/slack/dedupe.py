"""Never answer twice: Slack retries are acknowledged unprocessed, and repeated events are dropped."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

log = logging.getLogger("madoguchi.slack")


class TTLSet:
    """A small thread-safe set whose keys expire after ``ttl`` seconds (oldest dropped beyond ``size``)."""

    def __init__(self, ttl: float = 600.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """Record ``key``; True the first time it is seen within the TTL, False for a repeat."""
        now = self._clock()
        with self._lock:
            while self._keys:
                oldest, seen_at = next(iter(self._keys.items()))
                if now - seen_at < self.ttl and len(self._keys) < self.size:
                    break
                self._keys.pop(oldest)
            if key in self._keys:
                return False
            self._keys[key] = now
            return True

    def forget(self, key: str) -> None:
        """Drop ``key`` so that it counts as new again (e.g. after a failed attempt)."""
        with self._lock:
            self._keys.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)


def retry_num(req: BoltRequest) -> str | None:
    """The X-Slack-Retry-Num header, when Slack is re-sending a request."""
    values = req.headers.get("x-slack-retry-num") or []
    return values[0] if values else None


def skip_repeats(seen: TTLSet) -> Callable[..., Any]:
    """Bolt middleware: acknowledge retries at once without processing; drop an event_id already handled."""

    def middleware(req: BoltRequest, body: dict[str, Any], next_: Callable[[], BoltResponse]) -> BoltResponse:
        retry = retry_num(req)
        if retry is not None:
            reason = (req.headers.get("x-slack-retry-reason") or [""])[0]
            log.info("slack retry acknowledged without processing", extra={"retry": retry, "reason": reason})
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not seen.first(f"event:{event_id}"):
            log.info("duplicate slack event dropped", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        return next_()

    return middleware
