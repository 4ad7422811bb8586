"""``madoguchi slack``: run the Slack door over Socket Mode (no public URL needed)."""

from __future__ import annotations

import typer

from bot.cli.kit import handle_errors, out_console, settings
from retrieval.errors import Code, DeskError


def register(app: typer.Typer) -> None:
    """Add the ``slack`` command to the CLI."""

    @app.command("slack")
    @handle_errors
    def slack(
        check: bool = typer.Option(False, "--check", help="設定と Slack への接続を確認して終了する"),
    ) -> None:
        """Run the Slack bot in Socket Mode (SLACK_BOT_TOKEN + SLACK_APP_TOKEN)."""
        from slack_sdk.errors import SlackApiError

        from bot.desk import Desk
        from bot.slack.app import build_slack_app

        s = settings()
        if not s.slack_app_token and not check:
            raise DeskError(
                Code.CONFIG,
                "SLACK_APP_TOKEN が設定されていません。",
                "Socket Mode には App-Level Token（xapp-…, connections:write）が必要です。"
                "HTTP で受ける場合は SLACK_SIGNING_SECRET を設定して `madoguchi serve` を使ってください。",
            )
        desk = Desk(s)
        desk.ready()
        bolt = build_slack_app(desk, s)
        try:
            auth = bolt.client.auth_test()
        except SlackApiError as exc:
            raise DeskError(
                Code.CONFIG, f"Slack に接続できません（{exc.response.get('error')}）。", "SLACK_BOT_TOKEN を確認してください。"
            ) from exc
        out_console.print(f"Slack に接続しました: ワークスペース {auth.get('team')} / ボット @{auth.get('user')}", highlight=False)
        if check:
            return
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        out_console.print("Socket Mode で待ち受けています（Ctrl-C で終了）。", highlight=False)
        SocketModeHandler(bolt, s.slack_app_token).start()
