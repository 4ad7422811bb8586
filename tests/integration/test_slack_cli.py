"""``madoguchi slack``: the Socket Mode command checks its settings and the token before connecting."""

from __future__ import annotations

import subprocess
import sys

from fakes.fake_slack import FakeSlack

TOKEN = "xoxb-cli-test"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess."""
    return subprocess.run([sys.executable, "-m", "bot", "slack", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_check_connects_to_slack_and_exits(cli_env: dict[str, str]) -> None:
    with FakeSlack(token=TOKEN) as fake:
        done = run({**cli_env, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.api_url}, "--check")
        assert done.returncode == 0, done.stderr
        assert "Slack に接続しました" in done.stdout and "madoguchi-test" in done.stdout
        assert fake.calls_to("auth.test")


def test_missing_tokens_and_a_bad_token_are_explained_in_japanese(cli_env: dict[str, str]) -> None:
    with FakeSlack(token=TOKEN) as fake:
        no_app_token = run({**cli_env, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.api_url})
        assert no_app_token.returncode != 0 and "SLACK_APP_TOKEN" in no_app_token.stderr
        bad = run({**cli_env, "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_API_URL": fake.api_url}, "--check")
        assert bad.returncode != 0 and "invalid_auth" in bad.stderr and "Traceback" not in bad.stderr
