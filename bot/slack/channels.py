"""Per-channel settings (YAML): when to reply, which audience, and who may use the desk."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retrieval.errors import Code, DeskError


class ChannelRule(BaseModel):
    """How the desk behaves in one channel (or by default)."""

    model_config = ConfigDict(extra="forbid")

    reply: Literal["mention", "all"] = Field(
        default="mention", description="`mention`: only when @-mentioned; `all`: every message and thread reply."
    )
    audience: Literal["staff", "public"] = Field(default="staff", description="Audience passed to the desk.")
    allowed_users: list[str] = Field(
        default_factory=list, description="Slack user ids allowed to use the desk here; empty = everyone."
    )

    def allows(self, user_id: str | None) -> bool:
        """True when the user may use the desk under this rule."""
        return not self.allowed_users or (user_id is not None and user_id in self.allowed_users)


class PartialRule(BaseModel):
    """A channel entry: any field left out falls back to ``defaults``."""

    model_config = ConfigDict(extra="forbid")

    reply: Literal["mention", "all"] | None = None
    audience: Literal["staff", "public"] | None = None
    allowed_users: list[str] | None = None


class ChannelSettings(BaseModel):
    """The whole file: ``defaults`` plus ``channels`` keyed by channel id (C…, G…, or D… for a DM)."""

    model_config = ConfigDict(extra="forbid")

    defaults: ChannelRule = Field(default_factory=ChannelRule)
    channels: dict[str, PartialRule] = Field(default_factory=dict)

    def rule(self, channel_id: str | None) -> ChannelRule:
        """The effective rule of a channel (defaults overlaid with the channel's own entry)."""
        entry = self.channels.get(channel_id or "")
        if entry is None:
            return self.defaults
        return self.defaults.model_copy(update=entry.model_dump(exclude_none=True))


def load_channels(path: Path | None) -> ChannelSettings:
    """Read the per-channel settings file; no file configured = defaults everywhere."""
    if path is None:
        return ChannelSettings()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise DeskError(Code.CONFIG, f"Slack のチャンネル設定ファイル {path} が見つかりません。") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise DeskError(Code.CONFIG, f"Slack のチャンネル設定ファイル {path} を読めません: {exc}") from exc
    try:
        return ChannelSettings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DeskError(Code.CONFIG, f"Slack のチャンネル設定ファイル {path} が正しくありません: {problems}") from exc
