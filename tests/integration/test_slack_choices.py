"""The clarifying question in Slack: its choices are buttons; a press is answered in the thread, with the thread as history."""

from __future__ import annotations

import time

import httpx
from fakes.fake_slack import BOT_USER_ID, TEAM_ID, Call
from test_slack_http import MENTION_CH, STAFF, Door, block_text, door  # noqa: F401  (door: the module's fixture)

from bot.slack.blocks import ACTION_CHOICE, CHOICES_BLOCK


def choice_buttons(reply: Call) -> list[dict]:
    """The buttons of the choices block of a reply."""
    return next(b["elements"] for b in reply.body["blocks"] if b.get("block_id") == CHOICES_BLOCK)


def press_choice(slack: Door, reply: Call, button: dict, *, user: str = STAFF) -> httpx.Response:
    """Press one choice button under the desk's question (the message as Slack would send it back)."""
    message = {"type": "message", "ts": reply.response["ts"], "thread_ts": reply.body["thread_ts"],
               "text": reply.body["text"], "blocks": reply.body["blocks"], "user": BOT_USER_ID, "bot_id": "B"}
    payload = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "madoguchi-test"}, "user": {"id": user},
        "api_app_id": "A0MADOGUCH", "trigger_id": "trigger-choice",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": reply.body["channel"]},
        "channel": {"id": reply.body["channel"]}, "message": message,
        "response_url": slack.fake.response_url(f"choice-{message['ts']}"),
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": CHOICES_BLOCK,
                     "text": button["text"], "value": button["value"], "action_ts": str(time.time())}],
    }
    return slack.interact(payload)


def test_vague_question_gets_choice_buttons_and_a_press_is_answered_in_the_thread(door: Door) -> None:  # noqa: F811
    ts = door.mention("従業員3人の和菓子屋です。使える支援はありますか？")
    [question] = door.replies(MENTION_CH, ts)
    buttons = choice_buttons(question)
    labels = [b["text"]["text"] for b in buttons]
    assert "販路を広げたい" in labels and "事業を継ぐ・引き継ぐ" in labels
    assert all(b["action_id"].startswith(ACTION_CHOICE) for b in buttons)
    assert len({b["action_id"] for b in buttons}) == len(buttons)  # Slack rejects duplicate action ids in a block
    sales = next(b for b in buttons if b["text"]["text"] == "販路を広げたい")
    assert press_choice(door, question, sales).status_code == 200
    _, answer = door.replies(MENTION_CH, ts, count=2)
    text = block_text(answer.body["blocks"])
    assert "販路を広げたい" in text and f"<@{STAFF}>" in text  # who chose what, in the thread
    assert "持続化補助金" in text
    asked = [e for e in door.events if e.channel == "slack" and e.question == sales["value"]]
    assert asked and "従業員3人" in asked[-1].meta["query"]  # the thread's first message shaped the overview
    assert not any(b.get("block_id") == CHOICES_BLOCK for b in answer.body["blocks"])
