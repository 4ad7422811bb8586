"""Slack files: find a plan file, download it with the bot token, upload reports into a thread."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.plans import PrecheckReport
from bot.plans.report import plan_markdown, precheck_html
from bot.slack import texts
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.slack")
PLAN_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf", ".yaml", ".yml", ".json")
SLACK_FILE_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com", "slack-gov.com")
_FILE_ID = re.compile(r"(?<![A-Za-z0-9])(F[A-Z0-9]{6,})(?![A-Za-z0-9])")


def file_id_from(reference: str) -> str | None:
    """A Slack file id from an id (F…) or a file link (https://…slack.com/files/U…/F…/name)."""
    match = _FILE_ID.search(reference.strip())
    return match.group(1) if match else None


def is_plan_file(name: str) -> bool:
    """True for the plan formats the desk reads: .md / .txt / .docx / .pdf (and structured .yaml / .json)."""
    return PurePosixPath(name.lower()).suffix in PLAN_SUFFIXES


def pick_plan_file(files: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The first shared file that is a plan; a DeskError naming the file when none is."""
    for f in files:
        if is_plan_file(str(f.get("name") or f.get("title") or "")):
            return f
    name = str(files[0].get("name") or files[0].get("title") or "?") if files else "?"
    raise DeskError(Code.UNSUPPORTED_FILE, texts.UNSUPPORTED_FILE.format(name=name))


def _trusted(url: str, settings: Settings) -> bool:
    """Only Slack's own hosts (or the configured API host) ever see the bot token."""
    host = (urlparse(url).hostname or "").lower()
    api_host = (urlparse(settings.slack_api_url).hostname or "").lower()
    return bool(host) and (host == api_host or any(host == h or host.endswith("." + h) for h in SLACK_FILE_HOSTS))


def fetch_plan_file(client: WebClient, settings: Settings, file_id: str) -> tuple[bytes, str]:
    """files.info, then download ``url_private`` with the bot token as Bearer; returns (bytes, file name)."""
    limit = settings.max_upload_bytes
    try:
        info = client.files_info(file=file_id).get("file") or {}
    except SlackApiError as exc:
        log.warning("files.info failed for %s: %s", file_id, exc.response.get("error"))
        raise DeskError(Code.NOT_FOUND, texts.FILE_UNAVAILABLE) from exc
    name = str(info.get("name") or info.get("title") or file_id)
    if not is_plan_file(name):
        raise DeskError(Code.UNSUPPORTED_FILE, texts.UNSUPPORTED_FILE.format(name=name))
    too_large = DeskError(Code.TOO_LARGE, texts.FILE_TOO_LARGE.format(limit=limit // (1024 * 1024)))
    if int(info.get("size") or 0) > limit:
        raise too_large
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url or not _trusted(url, settings):
        log.warning("refusing to download a slack file from %r", url)
        raise DeskError(Code.NOT_FOUND, texts.FILE_UNAVAILABLE)
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=30.0, follow_redirects=False) as response:
            kind = response.headers.get("content-type", "")
            if response.status_code != 200 or kind.startswith("text/html"):
                log.warning("slack file download failed: %s %s", response.status_code, kind)
                raise DeskError(Code.NOT_FOUND, texts.FILE_UNAVAILABLE)
            data = bytearray()
            for piece in response.iter_bytes():
                data += piece
                if len(data) > limit:
                    raise too_large
    except httpx.HTTPError as exc:
        log.warning("slack file download failed: %s", exc)
        raise DeskError(Code.NOT_FOUND, texts.FILE_UNAVAILABLE) from exc
    return bytes(data), name


def upload_report(client: WebClient, channel: str, thread_ts: str | None, result: Any, stem: str) -> None:
    """Upload the full report (Markdown, and HTML for a pre-check) into the thread."""
    uploads: list[dict[str, Any]] = [
        {"content": plan_markdown(result), "filename": f"{stem}.md", "title": f"{stem}.md"}
    ]
    if isinstance(result, PrecheckReport):
        try:
            uploads.append({"content": precheck_html(result), "filename": f"{stem}.html", "title": f"{stem}.html"})
        except Exception:  # the Markdown report still goes out
            log.exception("rendering the HTML report failed")
    kwargs: dict[str, Any] = {"file_uploads": uploads, "channel": channel, "initial_comment": texts.REPORT_UPLOADED}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    client.files_upload_v2(**kwargs)
