"""Per-site handoff routing: which staff channel and which human window serve a widget's origin (YAML data)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import Settings
from bot.web.origins import origin_of
from retrieval.errors import Code, DeskError


class RouteEntry(BaseModel):
    """One site's settings in the routes file."""

    model_config = ConfigDict(extra="forbid")
    slack_channel: str | None = Field(default=None, max_length=64)
    help_url: str | None = None
    help_label: str | None = Field(default=None, max_length=100)
    contact_note: str | None = Field(default=None, max_length=300)


@dataclass(frozen=True)
class Route:
    """Where a consultation from one origin goes, and the human window its widget shows."""

    slack_channel: str | None
    help_url: str
    help_label: str
    contact_note: str


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> dict[str, RouteEntry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        raw = data.get("routes") or {}
        if not isinstance(raw, dict):
            raise ValueError("'routes:' must map an origin to its settings")
        return {origin_of(k) or k.lower(): RouteEntry.model_validate(v or {}) for k, v in raw.items()}
    except (OSError, yaml.YAMLError, ValueError, ValidationError) as exc:
        raise DeskError(
            Code.CONFIG, f"引き継ぎの振り分け設定 {path} を読めません: {str(exc).splitlines()[0]}",
            "MADOGUCHI_HANDOFF_ROUTES_FILE の内容を docs/handoff.md の例と見比べてください。",
        ) from None


def route_for(settings: Settings, origin: str, help_label: str) -> Route:
    """The route of an origin: its entry in the routes file, else the deployment's defaults."""
    entry = RouteEntry()
    path = settings.handoff_routes_file
    if path is not None:
        if not path.is_file():
            raise DeskError(Code.CONFIG, f"引き継ぎの振り分け設定 {path} がありません。")
        entry = _load(path, path.stat().st_mtime).get(origin_of(origin) or origin.lower(), RouteEntry())
    return Route(
        slack_channel=entry.slack_channel or settings.handoff_slack_channel or settings.slack_escalation_channel,
        help_url=entry.help_url or settings.help_url,
        help_label=entry.help_label or help_label,
        contact_note=entry.contact_note or "",
    )
