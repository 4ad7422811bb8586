"""Reading what Slack sends: message text, the /madoguchi command, the plan modal, file references."""

from __future__ import annotations

import json

from bot.config import Settings
from bot.slack import texts
from bot.slack.channels import ChannelRule, ChannelSettings
from bot.slack.door import SlackDoor
from bot.slack.files import file_id_from, is_plan_file, pick_plan_file
from bot.slack.handlers_commands import parse_command, plan_modal, read_plan_view, view_errors
from bot.slack.handlers_messages import wants_answer
from bot.slack.history import plain_text
from bot.slack.plans import kind_for


def test_plain_text_drops_mentions_and_unwraps_links() -> None:
    assert plain_text("<@U0BOT123> 地場産業の場合は？") == "地場産業の場合は？"
    assert plain_text("<!here> <https://example.jp|資料> と <#C0123ABC|general> &amp; &lt;") == "資料 と #general & <"


def test_command_text_is_split_into_subcommand_and_rest() -> None:
    assert parse_command("ask 地場産業とは？") == ("ask", "地場産業とは？")
    assert parse_command("PRECHECK") == ("precheck", "")
    assert parse_command("") == ("help", "")
    assert parse_command("地場産業とは？") == ("ask", "地場産業とは？")
    assert parse_command("ask\u3000全角スペース") == ("ask", "全角スペース")


def test_modal_round_trip_and_validation() -> None:
    view = plan_modal("precheck", "C0MENTION1", [("local_industry", "地場産業成長プラン")])
    assert {b["block_id"] for b in view["blocks"]} == {"plan_text", "plan_file", "plan_type"}
    match_view = plan_modal("match", "C1", [("local_industry", "地場産業成長プラン")])
    [picker] = [b for b in match_view["blocks"] if b["block_id"] == "plan_type"]  # the match form has the type selector too
    assert picker["optional"] and [o["value"] for o in picker["element"]["options"]] == ["local_industry"]
    assert "plan_type" not in {b["block_id"] for b in plan_modal("match", "C1", [])["blocks"]}  # no catalog, no picker
    state = {"values": {
        "plan_text": {"value": {"type": "plain_text_input", "value": None}},
        "plan_file": {"value": {"type": "plain_text_input", "value": "https://t.slack.com/files/U01/F0ABCDEF12/plan.docx"}},
        "plan_type": {"value": {"type": "static_select", "selected_option": {"value": "local_industry"}}},
    }}
    fields = read_plan_view({"private_metadata": view["private_metadata"], "state": state})
    assert fields == {"text": "", "file": "https://t.slack.com/files/U01/F0ABCDEF12/plan.docx",
                      "plan_type": "local_industry", "kind": "precheck", "channel": "C0MENTION1"}
    assert view_errors(fields) == {}
    assert view_errors({**fields, "file": ""}) == {"plan_text": texts.PLAN_MISSING}
    assert view_errors({**fields, "file": "plan.docx"}) == {"plan_file": texts.FILE_REF_INVALID}
    assert json.loads(view["private_metadata"])["kind"] == "precheck"


def test_file_references_and_plan_formats() -> None:
    assert file_id_from("F0ABCDEF12") == "F0ABCDEF12"
    assert file_id_from("https://x.slack.com/files/U0123/F0ABCDEF12/計画.pdf") == "F0ABCDEF12"
    assert file_id_from("計画.pdf") is None
    assert all(is_plan_file(n) for n in ("a.md", "B.TXT", "c.docx", "d.pdf"))
    assert not is_plan_file("photo.png")
    assert pick_plan_file([{"id": "F1", "name": "photo.png"}, {"id": "F2", "name": "plan.docx"}])["id"] == "F2"


def test_file_share_asks_for_measures_only_when_said() -> None:
    assert kind_for("この計画に合う支援施策は？") == "match"
    assert kind_for("事前チェックをお願いします") == "precheck"
    assert kind_for("") == "precheck"


def _door(reply: str) -> SlackDoor:
    """A door whose channels all use one reply rule (the desk is not needed to decide)."""
    rules = ChannelSettings(defaults=ChannelRule(reply=reply))
    return SlackDoor(desk=None, settings=Settings(_env_file=None), channels=rules, audit=None)  # type: ignore[arg-type, call-arg]


def test_which_message_events_the_desk_answers() -> None:
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "質問", "ts": "1.1"}
    chan = {**dm, "channel_type": "channel", "channel": "C1"}
    mention_only, every = _door("mention"), _door("all")
    assert wants_answer(mention_only, dm, "UBOT")
    assert not wants_answer(mention_only, chan, "UBOT")
    assert wants_answer(every, chan, "UBOT")
    assert not wants_answer(every, {**chan, "text": "<@UBOT> 質問"}, "UBOT")  # app_mention answers it
    assert not wants_answer(every, {**chan, "subtype": "message_changed"}, "UBOT")
    assert not wants_answer(every, {**chan, "bot_id": "B2"}, "UBOT")
    assert wants_answer(every, {**chan, "subtype": "file_share"}, "UBOT")
