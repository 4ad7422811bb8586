"""The Bolt app factory: one App over the Desk, with every Slack listener attached."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.audit import Audit
from bot.config import Settings
from bot.slack import (
    consultations,
    handlers_actions,
    handlers_choices,
    handlers_commands,
    handlers_messages,
    texts,
)
from bot.slack.channels import load_channels
from bot.slack.dedupe import TTLSet, skip_repeats
from bot.slack.door import SlackDoor, attach_audit_log
from bot.slack.replies import post
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from bot.desk import Desk

log = logging.getLogger("madoguchi.slack")
LISTENER_THREADS = 8


def web_client(settings: Settings) -> WebClient:
    """A WebClient with the bot token, pointed at ``SLACK_API_URL`` (a fake server in tests)."""
    if not settings.slack_bot_token:
        raise DeskError(Code.CONFIG, "SLACK_BOT_TOKEN が設定されていません。", "Slack アプリの Bot User OAuth Token（xoxb-…）を設定してください。")
    base = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    return WebClient(token=settings.slack_bot_token, base_url=base, timeout=30)


def build_slack_app(desk: Desk, settings: Settings, *, client: WebClient | None = None, audit: Audit | None = None) -> App:
    """Build the Bolt App: mentions, DMs, threads, /madoguchi, the plan modal, feedback and escalation."""
    door = SlackDoor(
        desk=desk,
        settings=settings,
        channels=load_channels(settings.slack_channels_file),
        audit=attach_audit_log(desk, settings, audit),
        seen=TTLSet(),
    )
    app = App(
        client=client or web_client(settings),
        signing_secret=settings.slack_signing_secret,
        token_verification_enabled=False,  # auth.test runs on the first request, not at start-up
        process_before_response=False,  # ack at once; listeners keep working on the executor
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="madoguchi-slack"),
        logger=logging.getLogger("madoguchi.slack.bolt"),
    )
    app.use(skip_repeats(door.seen))
    consultations.register(app, door)  # before messages: a reply in a consultation thread is the staff's answer
    handlers_messages.register(app, door)
    handlers_commands.register(app, door)
    handlers_actions.register(app, door)
    handlers_choices.register(app, door)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any], client: WebClient, respond: Any) -> None:
    """Last resort: log the details, tell the user politely where the request came from."""
    log.error("unhandled slack listener error", exc_info=error)
    try:
        event = body.get("event") or {}
        if event.get("channel") and event.get("ts"):
            post(client, str(event["channel"]), str(event.get("thread_ts") or event["ts"]), texts.ERROR_GENERIC)
        elif body.get("response_url"):
            respond(text=texts.ERROR_GENERIC, response_type="ephemeral", replace_original=False)
    except Exception:
        log.exception("could not report the error to slack")
