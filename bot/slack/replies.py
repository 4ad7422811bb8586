"""Posting back to Slack: the working signal, thread replies, ephemeral notes and polite errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import texts
from retrieval.errors import DeskError

log = logging.getLogger("madoguchi.slack")


@contextmanager
def working(client: WebClient, channel: str, ts: str | None) -> Iterator[None]:
    """Show :hourglass_flowing_sand: on the user's message while the desk works, then remove it."""
    added = False
    if ts:
        try:
            client.reactions_add(channel=channel, timestamp=ts, name=texts.WORKING_REACTION)
            added = True
        except SlackApiError as exc:  # a missing scope must not cost the answer
            log.info("reactions.add failed: %s", exc.response.get("error"))
    try:
        yield
    finally:
        if added:
            try:
                client.reactions_remove(channel=channel, timestamp=ts, name=texts.WORKING_REACTION)
            except SlackApiError as exc:
                log.info("reactions.remove failed: %s", exc.response.get("error"))


def user_error_text(exc: BaseException) -> str:
    """What a person sees for an error: the desk's own Japanese message, or a generic apology (logged)."""
    if isinstance(exc, DeskError):
        log.info("desk refused in slack: %s (%s)", exc.code, exc.message)
        return exc.user_text()
    log.error("slack request failed", exc_info=exc)
    return texts.ERROR_GENERIC


def post(
    client: WebClient, channel: str, thread_ts: str | None, text: str, blocks: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Post a message (in the thread when ``thread_ts`` is given); returns Slack's response data."""
    kwargs: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    if blocks:
        kwargs["blocks"] = blocks
    response = client.chat_postMessage(**kwargs)
    return dict(response.data) if isinstance(response.data, dict) else {}


def post_error(client: WebClient, channel: str, thread_ts: str | None, exc: BaseException) -> None:
    """Tell the user politely that something went wrong; never raises."""
    try:
        post(client, channel, thread_ts, user_error_text(exc))
    except Exception:
        log.exception("could not post the error message to slack")


def ephemeral(client: WebClient, channel: str | None, user: str, text: str, thread_ts: str | None = None) -> None:
    """A note only the user sees (falls back to a DM when the channel refuses ephemerals)."""
    try:
        if channel:
            kwargs: dict[str, Any] = {"channel": channel, "user": user, "text": text}
            if thread_ts:
                kwargs["thread_ts"] = thread_ts
            client.chat_postEphemeral(**kwargs)
            return
    except SlackApiError as exc:
        log.info("chat.postEphemeral failed: %s", exc.response.get("error"))
    try:
        client.chat_postMessage(channel=user, text=text)
    except SlackApiError:
        log.exception("could not reach the user in slack")
