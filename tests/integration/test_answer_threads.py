"""Answers are composed behind a per-worker limit: extractive answers one at a time (CPU under one GIL), more when
asked (MADOGUCHI_ANSWER_THREADS) or with an LLM; every concurrent request is still answered."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bot.config import Settings
from bot.desk import Desk
from bot.web.app import create_app
from bot.web.server import serve_in_thread

QUESTIONS = ["地域未来交付金の上限額は？", "地場産業成長プランの要件は？", "よろず支援拠点とは？", "コネクター度とは？"]


class Overlap:
    """Counts how many calls of the desk's own ``ask`` run at the same moment."""

    def __init__(self, desk: Desk, hold: float) -> None:
        self.ask, self.hold, self.now, self.most = desk.ask, hold, 0, 0
        self.lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(self.hold)  # long enough that requests sent together would overlap without a limit
            return self.ask(*args, **kwargs)
        finally:
            with self.lock:
                self.now -= 1


def _ask_together(url: str, n: int) -> list[httpx.Response]:
    def one(i: int) -> httpx.Response:
        return httpx.post(f"{url}/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]}, timeout=60)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _run(settings: Settings, n: int = 8) -> tuple[int, list[httpx.Response]]:
    app = create_app(settings)
    overlap = Overlap(app.state.desk, hold=0.05)
    app.state.desk.ask = overlap
    with serve_in_thread(app) as url:
        replies = _ask_together(url, n)
    return overlap.most, replies


def test_extractive_answers_are_composed_one_at_a_time_and_all_arrive(indexed_settings: Settings) -> None:
    most, replies = _run(indexed_settings.model_copy(update={"cache_size": 0}))
    assert [r.status_code for r in replies] == [200] * len(replies)
    assert all(r.json()["answer"] and r.json()["feedback_token"] for r in replies)
    assert most == 1


def test_answer_threads_setting_lets_that_many_run_at_once(indexed_settings: Settings) -> None:
    most, replies = _run(indexed_settings.model_copy(update={"cache_size": 0, "answer_threads": 3}))
    assert [r.status_code for r in replies] == [200] * len(replies)
    assert 1 < most <= 3


def test_with_an_llm_answers_wait_on_the_endpoint_side_by_side() -> None:
    llm = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m", _env_file=None)  # type: ignore[call-arg]
    assert llm.answer_concurrency == 16
    assert Settings(_env_file=None).answer_concurrency == 1  # type: ignore[call-arg]
    assert Settings(answer_threads=4, _env_file=None).answer_concurrency == 4  # type: ignore[call-arg]
