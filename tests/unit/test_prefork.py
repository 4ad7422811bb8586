"""The preforking supervisor of `serve --workers N`: a dead worker is replaced, a crash loop stops the server
(workers faked by forked children that exit at once; nothing is served)."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.web import prefork


def _dies(code: int) -> int:
    pid = os.fork()
    if pid == 0:
        time.sleep(0.05)
        os._exit(code)
    return pid


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setattr(prefork, "preload", lambda _settings: None)  # no model: the workers are fakes
    return Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]


@pytest.mark.skipif(not prefork.supported(), reason="preforking needs Linux")
def test_a_worker_that_keeps_dying_at_start_stops_the_server(settings: Settings) -> None:
    forks: list[int] = []

    def fork(address: tuple[str, int], options: dict[str, Any]) -> int:
        forks.append(address[1])
        return _dies(3)

    assert prefork.run(settings, 2, {"host": "127.0.0.1", "port": 0}, fork=fork) == 1
    assert len(forks) == 3  # two workers, one replacement, then the second early death stops it
    assert len(set(forks)) == 1 and forks[0] > 0  # every worker gets the one reserved port


@pytest.mark.skipif(not prefork.supported(), reason="preforking needs Linux")
def test_dead_workers_are_replaced_until_the_server_is_stopped(settings: Settings,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefork, "CRASH_WINDOW", 0.0)  # no death counts as a crash at start
    forks: list[int] = []

    def fork(address: tuple[str, int], options: dict[str, Any]) -> int:
        forks.append(address[1])
        if len(forks) == 4:
            os.kill(os.getpid(), signal.SIGTERM)  # the operator stops the server
        return _dies(0)

    before = signal.getsignal(signal.SIGTERM)
    assert prefork.run(settings, 2, {"host": "127.0.0.1", "port": 0}, fork=fork) == 0
    assert len(forks) == 4
    assert signal.getsignal(signal.SIGTERM) == before  # the supervisor's handlers are removed again
    with socket.socket() as s:  # the reserved port is released
        s.bind(("127.0.0.1", forks[0]))
