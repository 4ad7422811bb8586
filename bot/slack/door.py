"""What every Slack handler shares: the desk, settings, channel rules, the audit log and the dedupe set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.audit import Audit, open_audit_log
from bot.config import Settings
from bot.slack.channels import ChannelSettings
from bot.slack.dedupe import TTLSet

if TYPE_CHECKING:
    from bot.desk import Desk

log = logging.getLogger("madoguchi.slack")


@dataclass
class SlackDoor:
    """The Slack adapter's state, built once per Bolt app."""

    desk: Desk
    settings: Settings
    channels: ChannelSettings
    audit: Audit
    seen: TTLSet = field(default_factory=TTLSet)


def attach_audit_log(desk: Desk, settings: Settings, audit: Audit | None = None) -> Audit:
    """The audit log listening to the desk: the one given (e.g. the web app's), else a new one from settings."""
    if audit is None:
        audit = open_audit_log(settings)
    if audit.listener not in desk.listeners:
        desk.listeners.append(audit.listener)
    return audit
