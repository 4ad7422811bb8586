"""Fuzzing the live API with schemathesis: requests generated from /openapi.json, valid and invalid.

Every generated request (at least 500 in all) must get an answer within the per-request timeout, never a
5xx, and every 4xx must be the one JSON error shape with a Japanese message.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from bot.web.app import create_app
from bot.web.server import serve_in_thread

EXAMPLES = 60  # per operation and mode: 5 POST operations x 2 modes x 60 = 600, plus the GET operations
MIN_REQUESTS = 500
TIMEOUT = 30.0  # seconds per request; a request that takes longer counts as a hang
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass
class Tally:
    """What the fuzzer sent and what came back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def base(indexed_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The real app on loopback: no rate limit, its own audit database."""
    audit = tmp_path_factory.mktemp("fuzz") / "audit.sqlite"
    settings = indexed_settings.model_copy(update={"rate_limit": "off", "database_url": f"sqlite:///{audit}"})
    with serve_in_thread(create_app(settings)) as url:
        yield url


def _problem(case: Any, response: requests.Response | None, why: str) -> str:
    sent = case.as_curl_command() if hasattr(case, "as_curl_command") else f"{case.method} {case.path}"
    body = response.text[:300] if response is not None else ""
    return f"{why}: {sent[:500]} -> {body}"


def _check(case: Any, response: requests.Response, tally: Tally) -> None:
    status = response.status_code
    tally.statuses[status] += 1
    if status >= 500:
        tally.problems.append(_problem(case, response, f"HTTP {status}"))
        return
    if 400 <= status < 500:
        try:
            error = response.json()["error"]
            ok = set(error) == {"code", "message"} and JAPANESE.search(error["message"]) is not None
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok or "Traceback" in response.text:
            tally.problems.append(_problem(case, response, f"HTTP {status} without the JSON error shape"))


def _fuzz(operation: Any, mode: GenerationMode, base: str, tally: Tally) -> None:
    session = requests.Session()

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        tally.requests += 1
        try:
            response = case.call(base_url=base, session=session, timeout=TIMEOUT)
        except requests.Timeout:
            tally.problems.append(_problem(case, None, f"no answer within {TIMEOUT:.0f} s"))
            return
        except requests.RequestException as exc:
            tally.problems.append(_problem(case, None, f"connection failed ({type(exc).__name__})"))
            return
        _check(case, response, tally)

    try:
        run()
    except Unsatisfiable:  # e.g. no invalid request exists for a GET without parameters
        pass
    finally:
        session.close()


def test_generated_requests_never_get_a_5xx_or_hang(base: str) -> None:
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", timeout=TIMEOUT)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the OpenAPI document has operations schemathesis cannot read"
    paths = {op.path for op in operations}
    assert {"/v1/ask", "/v1/match", "/v1/precheck", "/v1/feedback", "/v1/chat/completions"} <= paths
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, base, tally)
    summary = json.dumps({"requests": tally.requests, "statuses": dict(sorted(tally.statuses.items()))})
    assert tally.problems == [], f"{len(tally.problems)} bad responses ({summary}):\n" + "\n".join(tally.problems[:20])
    assert tally.requests >= MIN_REQUESTS, summary
    assert tally.statuses[200] > 0 and sum(n for s, n in tally.statuses.items() if 400 <= s < 500) > 0, summary
