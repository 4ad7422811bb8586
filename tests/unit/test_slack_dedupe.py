"""The dedupe set that keeps Slack from getting a second answer to the same message."""

from __future__ import annotations

from bot.slack.dedupe import TTLSet


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_counts_once_within_the_ttl_and_again_after() -> None:
    clock = Clock()
    seen = TTLSet(ttl=60, clock=clock)
    assert seen.first("event:Ev1") is True
    assert seen.first("event:Ev1") is False
    clock.now = 59
    assert seen.first("event:Ev1") is False
    clock.now = 200
    assert seen.first("event:Ev1") is True


def test_the_set_stays_small() -> None:
    seen = TTLSet(ttl=3600, size=3, clock=Clock())
    for key in "abcde":
        assert seen.first(key)
    assert len(seen) == 3
    assert seen.first("e") is False and seen.first("a") is True  # oldest evicted first


def test_forget_allows_a_retry() -> None:
    seen = TTLSet(clock=Clock())
    assert seen.first("escalate:1")
    seen.forget("escalate:1")
    assert seen.first("escalate:1")
