"""Property-based: inputs generated from /openapi.json never crash the live desk and errors keep one shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from bot.web.app import create_app
from bot.web.server import serve_in_thread

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(indexed_settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The live app's OpenAPI schema (rate limit off so every generated case reaches the desk)."""
    app = create_app(indexed_settings.model_copy(update={"rate_limit": "off"}))
    with serve_in_thread(app) as url:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")


def check(case: Any) -> None:
    """Send one generated request: no 5xx (501 = not installed is fine), errors in the one shape."""
    response = case.call(timeout=120)
    assert response.status_code < 500 or response.status_code == 501, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_crash_and_errors_keep_the_shape(api_schema: Any, mode: GenerationMode) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/ask", "/v1/chat/completions", "/v1/feedback", "/v1/match"}
    for operation in operations:
        run = given(case=operation.as_strategy(generation_mode=mode))(check)
        try:
            hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)(run)()
        except Unsatisfiable:  # an operation without inputs has no invalid requests to make
            assert mode is GenerationMode.NEGATIVE
