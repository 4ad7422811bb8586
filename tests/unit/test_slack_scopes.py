"""The Slack manifest asks for exactly the scopes the code uses: Web API calls and events in bot/slack/, no more."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "docs" / "slack-manifest.yaml"
SLACK = REPO / "bot" / "slack"

# Web API method (slack_sdk name) → the bot scopes Slack requires for it (api.slack.com/methods).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_getPermalink": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
    "files_info": {"files:read"},
    "files_upload_v2": {"files:write"},
    "reactions_add": {"reactions:write"},
    "reactions_remove": {"reactions:write"},
    "views_open": set(),
}
# Bolt listeners → the scopes of the events / features they receive.
EVENT_SCOPES: dict[str, set[str]] = {
    "event:app_mention": {"app_mentions:read"},
    "event:message": {"im:history", "channels:history", "groups:history"},  # message.im / .channels / .groups
    "command": {"commands"},
    "action": set(),
    "view": set(),
}
# A DM to a user id (replies.notify falls back to it) needs the DM opened: im:write.
DM_SCOPES = {"im:write"}


def used() -> tuple[set[str], set[str], bool]:
    """Web API methods called on a client, Bolt listener kinds, and whether a DM goes to a user id."""
    methods: set[str] = set()
    listeners: set[str] = set()
    dm = False
    for path in SLACK.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner, name = node.func.value, node.func.attr
            if isinstance(owner, ast.Attribute | ast.Name) and (getattr(owner, "id", "") == "client" or getattr(owner, "attr", "") == "client"):
                methods.add(name)
                if name == "chat_postMessage" and any(k.arg == "channel" and isinstance(k.value, ast.Name) and k.value.id == "user" for k in node.keywords):
                    dm = True
            if isinstance(owner, ast.Name) and owner.id == "app" and name in ("event", "command", "action", "view"):
                if name == "event" and node.args and isinstance(node.args[0], ast.Constant):
                    listeners.add(f"event:{node.args[0].value}")
                elif name != "event":
                    listeners.add(name)
    return methods, listeners, dm


def test_every_web_api_call_is_mapped() -> None:
    methods, listeners, _ = used()
    assert methods, "no Slack Web API calls found: the scan is broken"
    assert methods <= set(METHOD_SCOPES), f"map these methods to their scopes: {sorted(methods - set(METHOD_SCOPES))}"
    assert listeners <= set(EVENT_SCOPES), f"map these listeners to their scopes: {sorted(listeners - set(EVENT_SCOPES))}"


def test_the_manifest_asks_only_for_what_the_code_uses() -> None:
    methods, listeners, dm = used()
    needed = set().union(*(METHOD_SCOPES[m] for m in methods), *(EVENT_SCOPES[e] for e in listeners))
    if dm:
        needed |= DM_SCOPES
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    asked = set(manifest["oauth_config"]["scopes"]["bot"])
    assert asked - needed == set(), f"requested but unused: {sorted(asked - needed)}"
    assert needed - asked == set(), f"used but not requested: {sorted(needed - asked)}"


def test_the_manifest_subscribes_to_the_events_the_code_handles() -> None:
    _, listeners, _ = used()
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert "app_mention" in events and ("event:app_mention" in listeners)
    assert {"message.im", "message.channels", "message.groups"} <= events and "event:message" in listeners
