"""A Slack thread read back as conversation history, through a real WebClient and the fake Web API."""

from __future__ import annotations

from fakes.fake_slack import BOT_ID, BOT_USER_ID, FakeSlack
from slack_sdk import WebClient

from bot.slack.history import thread_history

TOKEN = "xoxb-history-test"


def test_thread_becomes_user_and_assistant_turns_before_the_current_message() -> None:
    with FakeSlack(token=TOKEN) as fake:
        client = WebClient(token=TOKEN, base_url=fake.api_url)
        root = fake.next_ts()
        fake.add_message("C1", root, user="U1", text=f"<@{BOT_USER_ID}> 外部依存性とは何ですか？")
        client.chat_postMessage(channel="C1", thread_ts=root, text="・【外部依存性】過度に依存 [1]")
        other_bot = fake.add_message("C1", fake.next_ts(), user="U9", text="別のボットの通知", thread_ts=root)
        other_bot["bot_id"] = "BOTHER001"
        fake.add_message("C1", fake.next_ts(), user="U2", text="<https://example.jp|参考資料> &amp; 補足", thread_ts=root)
        current = fake.add_message("C1", fake.next_ts(), user="U1", text="地場産業の場合は？", thread_ts=root)
        fake.add_message("C1", fake.next_ts(), user="U1", text="後から来た発言", thread_ts=root)

        turns = thread_history(client, "C1", root, before_ts=current["ts"], bot_user_id=BOT_USER_ID,
                               bot_id=BOT_ID, max_turns=20)
        assert turns == [
            {"role": "user", "content": "外部依存性とは何ですか？"},
            {"role": "assistant", "content": "・【外部依存性】過度に依存 [1]"},
            {"role": "user", "content": "参考資料 & 補足"},
        ]
        last_two = thread_history(client, "C1", root, before_ts=current["ts"], bot_user_id=BOT_USER_ID,
                                  bot_id=BOT_ID, max_turns=2)
        assert [t["role"] for t in last_two] == ["assistant", "user"]


def test_unreadable_thread_means_no_history_not_a_failure() -> None:
    with FakeSlack(token=TOKEN) as fake:
        fake.fail["conversations.replies"] = "missing_scope"
        client = WebClient(token=TOKEN, base_url=fake.api_url)
        assert thread_history(client, "C1", "1.1", before_ts="2.2", bot_user_id=BOT_USER_ID, bot_id=BOT_ID, max_turns=20) == []
