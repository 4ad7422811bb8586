"""Per-channel settings: who may use the desk where, and whether it answers every message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.slack.channels import ChannelSettings, load_channels
from retrieval.errors import Code, DeskError

YAML = """\
defaults:
  reply: mention
  audience: staff
  allowed_users: []
channels:
  C0ALL:
    reply: all
  C0LOCKED:
    allowed_users: [U0BOSS]
    audience: public
"""


def test_channel_entries_overlay_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(YAML, encoding="utf-8")
    cfg = load_channels(path)
    assert cfg.rule("C0ALL").reply == "all" and cfg.rule("C0ALL").audience == "staff"
    locked = cfg.rule("C0LOCKED")
    assert locked.reply == "mention" and locked.audience == "public"
    assert locked.allows("U0BOSS") and not locked.allows("U0OTHER") and not locked.allows(None)
    assert cfg.rule("C0UNLISTED").allows("U0ANYONE") and cfg.rule(None).reply == "mention"


def test_no_file_means_defaults_everywhere() -> None:
    cfg = load_channels(None)
    assert cfg == ChannelSettings() and cfg.rule("C1").reply == "mention" and cfg.rule("D1").audience == "staff"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("channels:\n  C1:\n    reply: sometimes\n", "channels.C1.reply"),
        ("defaults:\n  replies: all\n", "defaults.replies"),
        ("channels: [\n", "読めません"),
    ],
)
def test_a_wrong_file_names_the_problem(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DeskError) as caught:
        load_channels(path)
    assert caught.value.code == Code.CONFIG and fragment in caught.value.message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="見つかりません"):
        load_channels(tmp_path / "nope.yaml")
