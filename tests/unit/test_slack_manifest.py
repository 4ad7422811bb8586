"""The shipped Slack app manifest asks for what the Slack door uses, at the URL it serves."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.handlers_commands import COMMAND
from bot.slack.http import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "docs" / "slack-manifest.yaml"
SCOPES = {"app_mentions:read", "chat:write", "im:history", "im:write", "channels:history",
          "groups:history", "files:read", "files:write", "reactions:write", "commands"}  # exactly: test_slack_scopes.py


def test_manifest_has_scopes_events_command_and_interactivity_on_one_url() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert SCOPES <= set(manifest["oauth_config"]["scopes"]["bot"])
    events = manifest["settings"]["event_subscriptions"]
    assert {"app_mention", "message.im", "message.channels"} <= set(events["bot_events"])
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    urls = {events["request_url"], command["url"], manifest["settings"]["interactivity"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith(EVENTS_PATH)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
