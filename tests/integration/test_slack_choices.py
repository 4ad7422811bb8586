"""The clarifying question in Slack: its choices are buttons; a press is answered in the thread, with the thread as history."""

from __future__ import annotations

from fakes.fake_slack import Call
from test_slack_http import MENTION_CH, STAFF, Door, block_text, door, press  # noqa: F401  (door: the module's fixture)

from bot.slack.blocks import ACTION_CHOICE, CHOICES_BLOCK


def choice_buttons(reply: Call) -> list[dict]:
    """The buttons of the choices block of a reply."""
    return next(b["elements"] for b in reply.body["blocks"] if b.get("block_id") == CHOICES_BLOCK)


def test_vague_question_gets_choice_buttons_and_a_press_is_answered_in_the_thread(door: Door) -> None:  # noqa: F811
    ts = door.mention("従業員3人の和菓子屋です。使える支援はありますか？")
    [question] = door.replies(MENTION_CH, ts)
    buttons = choice_buttons(question)
    labels = [b["text"]["text"] for b in buttons]
    assert "販路を広げたい" in labels and "事業を継ぐ・引き継ぐ" in labels
    assert all(b["action_id"].startswith(ACTION_CHOICE) for b in buttons)
    assert len({b["action_id"] for b in buttons}) == len(buttons)  # Slack rejects duplicate action ids in a block
    sales = next(b for b in buttons if b["text"]["text"] == "販路を広げたい")
    assert press(door, question, sales["action_id"], block_id=CHOICES_BLOCK).status_code == 200
    _, answer = door.replies(MENTION_CH, ts, count=2)
    text = block_text(answer.body["blocks"])
    assert "販路を広げたい" in text and f"<@{STAFF}>" in text  # who chose what, in the thread
    assert "持続化補助金" in text
    asked = [e for e in door.events if e.channel == "slack" and e.question == sales["value"]]
    assert asked and "従業員3人" in asked[-1].meta["query"]  # the thread's first message shaped the overview
    assert not any(b.get("block_id") == CHOICES_BLOCK for b in answer.body["blocks"])
