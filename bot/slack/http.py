"""HTTP mode: Slack's events, commands and interactivity on POST /slack/events of the FastAPI app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.config import Settings
from bot.slack.app import build_slack_app
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from bot.desk import Desk

EVENTS_PATH = "/slack/events"


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, dispatching on a worker thread so the event loop never blocks."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        """Verify and dispatch one Slack request; returns Bolt's (fast) acknowledgement."""
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        bolt_request = to_bolt_request(req, body, addition_context_properties)
        bolt_response = await run_in_threadpool(self.app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)


def mount_slack(app: FastAPI, desk: Desk, settings: Settings) -> None:
    """Serve the Slack door at POST /slack/events (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)."""
    if not settings.slack_bot_token or not settings.slack_signing_secret:
        raise DeskError(
            Code.CONFIG,
            "Slack の HTTP 受信には SLACK_BOT_TOKEN と SLACK_SIGNING_SECRET が必要です。",
            "Slack アプリの設定画面（Basic Information / OAuth & Permissions）で確認してください。",
        )
    bolt = build_slack_app(desk, settings, audit=getattr(app.state, "audit", None))
    handler = ThreadedSlackRequestHandler(bolt)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    app.add_api_route(EVENTS_PATH, slack_events, methods=["POST"], include_in_schema=False, name="slack_events")
    app.state.slack_app = bolt
