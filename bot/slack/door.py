"""What every Slack handler shares: the desk, settings, channel rules, the audit log and the dedupe set."""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    audit: Any | None = None  # bot.log.AuditLog when that module is installed
    seen: TTLSet = field(default_factory=TTLSet)


def attach_audit_log(desk: Desk, settings: Settings) -> Any | None:
    """The audit log listening to the desk: reuse one already attached (e.g. by the web app), else open one."""
    if importlib.util.find_spec("bot.log") is None:
        log.warning("bot.log is not installed: Slack feedback and escalations are not stored")
        return None
    from bot import log as audit_module

    for listener in desk.listeners:
        owner = getattr(listener, "__self__", None)
        if owner is not None and type(owner).__name__ == "AuditLog" and hasattr(owner, "record_feedback"):
            return owner
    audit = audit_module.open_audit_log(settings)
    if audit.listener not in desk.listeners:
        desk.listeners.append(audit.listener)
    return audit
