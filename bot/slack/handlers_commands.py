"""The /madoguchi command (ask, match, precheck, help) and the plan modal it opens."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.events import new_request_id, request_id
from bot.slack import texts
from bot.slack.blocks import answer_blocks, answer_fallback
from bot.slack.door import SlackDoor
from bot.slack.files import fetch_plan_file, file_id_from
from bot.slack.mrkdwn import escape, truncate
from bot.slack.plans import Kind, analyze, post_result
from bot.slack.replies import post, user_error_text

log = logging.getLogger("madoguchi.slack")
COMMAND = "/madoguchi"
PLAN_VIEW = "madoguchi_plan"
SUBCOMMANDS = ("ask", "match", "precheck", "help")
TITLES = {"precheck": "計画案の事前チェック", "match": "支援施策の提案"}
PASTED_NAME = "貼り付けた計画案"
TEXT_INPUT_MAX = 3000


def parse_command(text: str) -> tuple[str, str]:
    """Split ``/madoguchi`` text into (subcommand, rest); text without a subcommand is a question."""
    stripped = (text or "").replace("\u3000", " ").strip()
    if not stripped:
        return "help", ""
    head, _, rest = stripped.partition(" ")
    if head.lower() in SUBCOMMANDS:
        return head.lower(), rest.strip()
    return "ask", stripped


def plan_modal(kind: str, channel_id: str, plan_types: list[tuple[str, str]]) -> dict[str, Any]:
    """The modal to paste a plan or point at an uploaded file, and optionally pick its type (match and pre-check).

    Left empty, the desk detects the type; a chosen type overrides the detection.
    """
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": "plan_text",
            "optional": True,
            "label": {"type": "plain_text", "text": "計画案の本文（貼り付け）"},
            "hint": {"type": "plain_text", "text": f"{TEXT_INPUT_MAX}文字まで。長い計画案はファイルでお送りください。"},
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": TEXT_INPUT_MAX},
        },
        {
            "type": "input",
            "block_id": "plan_file",
            "optional": True,
            "label": {"type": "plain_text", "text": "アップロード済みのファイル（ID またはリンク）"},
            "hint": {"type": "plain_text", "text": ".md / .txt / .docx / .pdf。ファイルのメニュー「リンクをコピー」で得られるリンクを貼り付けてください。"},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "placeholder": {"type": "plain_text", "text": "F0123ABCDEF または https://…slack.com/files/…"},
            },
        },
    ]
    if plan_types:
        blocks.append(
            {
                "type": "input",
                "block_id": "plan_type",
                "optional": True,
                "label": {"type": "plain_text", "text": "計画の類型（空欄なら自動判定）"},
                "hint": {"type": "plain_text", "text": "選ぶと自動判定より優先します。判定の確度が低いと出たときに選んでください。"},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [
                        {"text": {"type": "plain_text", "text": truncate(name, 75)}, "value": pid} for pid, name in plan_types
                    ],
                },
            }
        )
    return {
        "type": "modal",
        "callback_id": PLAN_VIEW,
        "private_metadata": json.dumps({"kind": kind, "channel": channel_id}),
        "title": {"type": "plain_text", "text": "支援施策の提案" if kind == "match" else "計画案の事前チェック"},
        "submit": {"type": "plain_text", "text": "実行"},
        "close": {"type": "plain_text", "text": "キャンセル"},
        "blocks": blocks,
    }


def read_plan_view(view: dict[str, Any]) -> dict[str, str]:
    """The modal's inputs: text, file reference, plan type, plus kind and channel from its metadata."""
    values = (view.get("state") or {}).get("values") or {}

    def value(block: str) -> str:
        element = (values.get(block) or {}).get("value") or {}
        selected = element.get("selected_option") or {}
        return str(element.get("value") or selected.get("value") or "").strip()

    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        meta = {}
    return {
        "text": value("plan_text"),
        "file": value("plan_file"),
        "plan_type": value("plan_type"),
        "kind": "match" if meta.get("kind") == "match" else "precheck",
        "channel": str(meta.get("channel") or ""),
    }


def view_errors(fields: dict[str, str]) -> dict[str, str]:
    """Per-block error messages for an unusable submission (empty = fine)."""
    if not fields["text"] and not fields["file"]:
        return {"plan_text": texts.PLAN_MISSING}
    if fields["file"] and not file_id_from(fields["file"]):
        return {"plan_file": texts.FILE_REF_INVALID}
    return {}


def _plan_types(door: SlackDoor) -> list[tuple[str, str]]:
    try:
        return [(str(p.id), p.name) for p in door.desk.corpus.plan_types]
    except Exception:  # the type picker is optional; auto-detection still works
        log.exception("could not list plan types for the modal")
        return []


def register(app: App, door: SlackDoor) -> None:
    """Attach the /madoguchi command and the plan modal's submission."""

    @app.command(COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        request_id.set(new_request_id())
        sub, rest = parse_command(str(command.get("text") or ""))
        rule = door.channels.rule(command.get("channel_id"))
        if not rule.allows(command.get("user_id")):
            ack(text=texts.NOT_ALLOWED)
            return
        if sub == "help" or (sub == "ask" and not rest):
            ack(text=texts.HELP)
            return
        if sub == "ask":
            ack(text=f"{texts.THINKING}（{escape(truncate(rest, 80))}）")
            _answer_command(door, rest, rule.audience, respond)
            return
        ack()
        try:
            client.views_open(trigger_id=command["trigger_id"], view=plan_modal(sub, str(command.get("channel_id") or ""), _plan_types(door)))
        except Exception as exc:
            respond(text=user_error_text(exc), response_type="ephemeral", replace_original=False)

    @app.view(PLAN_VIEW)
    def on_plan_submitted(ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        request_id.set(new_request_id())
        fields = read_plan_view(view)
        errors = view_errors(fields)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        _run_plan(door, client, str((body.get("user") or {}).get("id") or ""), fields)


def _answer_command(door: SlackDoor, question: str, audience: str, respond: Callable[..., Any]) -> None:
    """Answer ``/madoguchi ask`` through the command's response_url (visible in the channel)."""
    try:
        answer = door.desk.ask(question, audience=audience, channel="slack")
    except Exception as exc:
        respond(text=user_error_text(exc), response_type="ephemeral", replace_original=False)
        return
    respond(
        text=answer_fallback(answer),
        blocks=answer_blocks(answer, question),
        response_type="in_channel",
        replace_original=False,
    )


def _run_plan(door: SlackDoor, client: WebClient, user: str, fields: dict[str, str]) -> None:
    """Run the modal's analysis and send the result to the user by DM."""
    if not user:
        return
    rule = door.channels.rule(fields["channel"] or None)
    if not rule.allows(user):
        post(client, user, None, texts.NOT_ALLOWED)
        return
    kind: Kind = "match" if fields["kind"] == "match" else "precheck"
    try:
        if fields["file"]:
            data, name = fetch_plan_file(client, door.settings, file_id_from(fields["file"]) or "")
            result = analyze(door.desk, kind, data, name, rule.audience, fields["plan_type"] or None)
        else:
            name = PASTED_NAME
            result = analyze(door.desk, kind, fields["text"], "plan.txt", rule.audience, fields["plan_type"] or None)
        post_result(client, user, None, kind, result, name, request=f"{TITLES[kind]}: {name}")
    except Exception as exc:
        try:
            post(client, user, None, user_error_text(exc))
        except Exception:
            log.exception("could not tell the user about a failed plan analysis")
