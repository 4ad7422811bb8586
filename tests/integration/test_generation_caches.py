"""Per-generation caches filled by concurrent request threads never lose the served generation (the soak's HTTP 500)."""

from __future__ import annotations

import threading
from typing import Any

from retrieval.generations import keep_only


def test_filling_the_same_generation_twice_keeps_it_and_drops_older_ones() -> None:
    cache: dict[str, Any] = {"old": 1, "g2": 2}
    keep_only(cache, "g2")  # another thread filling g2 while this one just stored it
    assert cache == {"g2": 2}
    keep_only(cache, "g3")
    assert cache == {}


def test_first_requests_racing_over_a_new_generation_all_get_answers(desk: Any) -> None:
    """Eight threads ask at once on a desk whose per-generation caches are empty: none of them fails."""
    from bot.answering import language, named, reading, relevance, romaji, sufficiency

    for module, names in ((reading, ("_READINGS", "_WORDS", "_DEFINED", "_KATAKANA_WORDS")), (romaji, ("_ROMAJI_KEYS",)),
                          (sufficiency, ("_ANCHORS", "_BODIES")), (language, ("_ACRONYMS", "_BODIES")),
                          (named, ("_BODIES",)), (relevance, ("_LABELS",))):
        for name in names:
            getattr(module, name).clear()
    start = threading.Barrier(8)
    errors: list[BaseException] = []
    answers: list[str] = []

    def ask(question: str) -> None:
        start.wait()
        try:
            answers.append(desk.ask(question, audience="public").text)
        except BaseException as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    questions = [f"コネクターハブ企業とは何ですか（{i}）" for i in range(8)]
    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert len(answers) == 8 and all(answers)
