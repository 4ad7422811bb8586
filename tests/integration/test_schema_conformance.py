"""The published schema says what the server enforces: Hypothesis-driven requests generated from /openapi.json
(valid and invalid) get only documented status codes, content types and response bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.web.app import create_app
from bot.web.server import serve_in_thread

EXAMPLES = 25
SKIP = {"/metrics", "/readyz", "/healthz"}  # text or liveness endpoints with nothing to generate


@pytest.fixture(scope="module")
def base(indexed_settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    audit = tmp_path_factory.mktemp("conform") / "audit.sqlite"
    settings = indexed_settings.model_copy(update={"rate_limit": "off", "database_url": f"sqlite:///{audit}"})
    with serve_in_thread(create_app(settings)) as url:
        yield url


def test_responses_conform_to_the_published_schema(base: str) -> None:
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", timeout=30)
    operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
    failures: list[str] = []
    session = requests.Session()
    sent = 0
    for operation in operations:
        if operation.path in SKIP:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                nonlocal sent
                sent += 1
                response = case.call(base_url=base, session=session, timeout=60, allow_redirects=False)
                try:
                    case.validate_response(response, checks=(status_code_conformance, content_type_conformance,
                                                             response_schema_conformance))
                except BaseException as exc:  # schemathesis raises a FailureGroup naming each broken promise
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    failures.append(f"{case.method} {case.path} -> {response.status_code}: {str(exc)[:300]}")

            try:
                run()
            except Unsatisfiable:
                pass
    session.close()
    assert sent >= 200
    assert failures == [], f"{len(failures)} of {sent} responses break the schema:\n" + "\n".join(failures[:15])
