"""Red team, the Slack door: malformed signatures and bodies get 401 without a traceback, rejected bodies are
logged truncated, each source is rate-limited, and a replayed signed command is answered once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from fakes.fake_slack import TEAM_ID, FakeSlack, signed_headers
from test_slack_http import CHANNELS_YAML, ESCALATION_CH, MENTION_CH, SECRET, STAFF, TOKEN, Door, serve

from bot.desk import Desk
from bot.events import DeskEvent
from bot.slack.http import LOGGED_BODY_CHARS, SlackGuard

RATE = 40  # per minute for this module's door; the tests below send fewer


@pytest.fixture(scope="module")
def door(indexed_settings, tmp_path_factory) -> Iterator[Door]:  # type: ignore[no-untyped-def]
    from bot.web.app import create_app

    channels = tmp_path_factory.mktemp("slack-redteam") / "channels.yaml"
    channels.write_text(CHANNELS_YAML, encoding="utf-8")
    audit = tmp_path_factory.mktemp("slack-redteam-audit") / "audit.sqlite"
    with FakeSlack(token=TOKEN) as fake:
        settings = indexed_settings.model_copy(update={
            "slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": fake.api_url,
            "slack_escalation_channel": ESCALATION_CH, "slack_channels_file": channels,
            "slack_rate_limit": f"{RATE}/minute", "database_url": f"sqlite:///{audit}",
        })
        desk = Desk(settings)
        events: list[DeskEvent] = []
        desk.listeners.append(events.append)
        with serve(create_app(settings, desk)) as url:
            yield Door(url, fake, desk, events, settings)


def raw(door: Door, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{door.url}/slack/events", content=body, headers=headers, timeout=30)


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        {"X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "garbage"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time()) - 3600), "X-Slack-Signature": "v0=" + "0" * 64},
    ],
)
def test_malformed_or_unsigned_requests_get_401_without_a_traceback(
    door: Door, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = raw(door, b"command=%2Fmadoguchi&text=ask", {"Content-Type": FORM, **headers})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_stale_but_well_signed_request_is_401(door: Door) -> None:
    body = b"command=%2Fmadoguchi&text=help"
    headers = signed_headers(SECRET, body, timestamp=int(time.time()) - 3600, content_type=FORM)
    assert raw(door, body, headers).status_code == 401


def test_a_signed_body_that_is_not_utf8_is_not_a_500(door: Door, caplog: pytest.LogCaptureFixture) -> None:
    body = b"\xff\xfe\x00garbage=\xc3"
    response = raw(door, body, signed_headers(SECRET, body, content_type=FORM))
    assert response.status_code < 500
    response = raw(door, body, signed_headers(SECRET, body, content_type="application/json"))
    assert response.status_code < 500
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_rejected_big_body_is_logged_truncated(door: Door, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    body = b"payload=" + b"A" * 250_000
    response = raw(door, body, {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=1"})
    assert response.status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "250008 bytes" in logged
    assert len(logged) < LOGGED_BODY_CHARS + 500


def command_body(text: str, key: str, trigger: str) -> bytes:
    return urlencode({
        "token": "legacy", "team_id": TEAM_ID, "channel_id": MENTION_CH, "user_id": STAFF, "command": "/madoguchi",
        "text": text, "response_url": "", "trigger_id": trigger,
    }).encode()


def test_a_replayed_signed_command_is_answered_once(door: Door) -> None:
    form = {"token": "legacy", "team_id": TEAM_ID, "channel_id": MENTION_CH, "user_id": STAFF, "command": "/madoguchi",
            "text": "ask よろず支援拠点とは何ですか？", "response_url": door.fake.response_url("replay-1"),
            "trigger_id": "trigger-replay-1"}
    body = urlencode(form).encode()
    headers = signed_headers(SECRET, body, content_type=FORM)
    assert raw(door, body, headers).status_code == 200
    door.fake.wait_for("response", lambda c: c.path.endswith("/replay-1"))
    again = raw(door, body, headers)  # byte for byte: same signature and timestamp
    assert again.status_code == 200 and not again.content
    resigned = raw(door, body, signed_headers(SECRET, body, timestamp=int(time.time()) + 1, content_type=FORM))
    assert resigned.status_code == 200 and not resigned.content  # same trigger_id, fresh signature
    door.barrier()
    assert len(door.fake.calls_to("response", lambda c: c.path.endswith("/replay-1"))) == 1


def test_each_source_is_rate_limited() -> None:
    guard = SlackGuard(SECRET, "3/minute")

    async def hits() -> list[bool]:
        return [await guard.over_rate("203.0.113.9") for _ in range(5)] + [await guard.over_rate("203.0.113.10")]

    assert asyncio.run(hits()) == [False, False, False, True, True, False]


def test_the_door_answers_429_over_its_rate(door: Door) -> None:
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=1"}
    statuses = [raw(door, b"x=1", headers).status_code for _ in range(RATE + 1)]
    assert statuses[-1] == 429 and set(statuses) <= {401, 429}
