"""A local fake of the Slack Web API: a real HTTP server on 127.0.0.1, port 0, in a thread.

Import it as ``from fakes.fake_slack import FakeSlack``. Point a ``WebClient`` (or ``SLACK_API_URL``) at
``fake.api_url``; every call is recorded (method, path, parsed form/JSON body, headers)::

    with FakeSlack(token="xoxb-test") as fake:
        fake.add_file("F0PLAN001", "plan.md", b"# 計画", )          # files.info + download
        fake.add_message("C1", "100.000001", user="U1", text="質問")  # a thread for conversations.replies
        ... chat.postMessage posts are also stored into their thread, as Slack would ...
        call = fake.wait_for("chat.postMessage", lambda c: c.body.get("thread_ts") == "100.000001")
        fake.calls_to("reactions.add"); fake.responses("cmd1")       # response_url posts

Served: auth.test, chat.postMessage, chat.update, chat.postEphemeral, chat.getPermalink,
reactions.add/remove, views.open, files.info, the file download (``/files/<id>/<name>``, needs the bot
token as Bearer), files.getUploadURLExternal, the upload URL (``/upload/<id>``),
files.completeUploadExternal, conversations.replies, users.info, and response URLs (``/response/<key>``).
Any other method answers ``{"ok": false, "error": "unknown_method"}`` (and is recorded).
``signed_headers(secret, body, content_type=…)`` signs a request the way Slack signs what it sends the app.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

BOT_USER_ID = "UBOTMADO1"
BOT_ID = "BBOTMADO1"
TEAM_ID = "T0TEST001"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature: ``v0=`` + HMAC-SHA256(secret, ``v0:{timestamp}:{body}``) in hex."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None, content_type: str) -> dict[str, str]:
    """The headers Slack sends with a request to the app (signature over the exact body bytes)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret, ts, body),
    }


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), or "download" / "upload" / "response"
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    raw: bytes = b""
    response: dict[str, Any] = field(default_factory=dict)  # what the fake answered (Web API calls)


@dataclass
class FakeFile:
    """A file the fake serves through files.info and its download URL."""

    id: str
    name: str
    content: bytes
    content_type: str = "application/octet-stream"
    user: str = "U0STAFF01"


@dataclass
class FakeSlack:
    """The fake Slack Web API server; use as a context manager."""

    token: str = "xoxb-test-token"
    calls: list[Call] = field(default_factory=list)
    files: dict[str, FakeFile] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail: dict[str, str] = field(default_factory=dict)  # method → Slack error to return

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving on a free loopback port."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the server."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "fake Slack server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The Web API base URL (what ``SLACK_API_URL`` / ``WebClient(base_url=…)`` take)."""
        return f"{self.url}/api/"

    def response_url(self, key: str) -> str:
        """A response_url the fake accepts (for slash commands and interactivity payloads)."""
        return f"{self.url}/response/{key}"

    # --- scripting ------------------------------------------------------------------------------
    def add_file(self, file_id: str, name: str, content: bytes, content_type: str = "application/octet-stream") -> None:
        """Serve a file through files.info and ``url_private``."""
        self.files[file_id] = FakeFile(file_id, name, content, content_type)

    def add_message(self, channel: str, ts: str, *, user: str, text: str, thread_ts: str | None = None) -> dict[str, Any]:
        """Put a user's message into a thread (what conversations.replies will return)."""
        message = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts or ts}
        with self._lock:
            self.threads.setdefault((channel, thread_ts or ts), []).append(message)
        return message

    def next_ts(self) -> str:
        """A fresh, increasing message timestamp."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    # --- inspection -------------------------------------------------------------------------------
    def calls_to(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Recorded calls of a method (optionally filtered)."""
        with self._lock:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def wait_for(
        self, method: str, where: Callable[[Call], bool] | None = None, *, count: int = 1, timeout: float = 60.0
    ) -> list[Call]:
        """Block until ``count`` matching calls were recorded; AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(c.method for c in self.calls)
                    raise AssertionError(f"timed out waiting for {count}× {method}; calls so far: {seen}")
                self._lock.wait(min(left, 0.5))

    def responses(self, key: str) -> list[dict[str, Any]]:
        """Bodies posted to ``response_url(key)``."""
        return [c.body for c in self.calls_to("response", lambda c: c.path.endswith("/" + key))]

    # --- serving ------------------------------------------------------------------------------------
    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _handle(self, handler: BaseHTTPRequestHandler, verb: str) -> None:
        parsed = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        path = parsed.path
        if path.startswith("/api/"):
            method = path[len("/api/") :]
            body = self._parse(raw, headers.get("content-type", ""), parsed.query)
            call = Call(method, path, body, headers, raw)
            status, payload = self._api(method, call)
            call.response = payload
            self._record(call)
            self._send_json(handler, status, payload)
        elif path.startswith("/files/") and verb == "GET":
            self._record(Call("download", path, {}, headers, raw))
            self._download(handler, path, headers)
        elif path.startswith("/upload/"):
            self._record(Call("upload", path, {"size": len(raw)}, headers, raw))
            self._send(handler, 200, b"OK - " + str(len(raw)).encode(), "text/plain")
        elif path.startswith("/response/"):
            body = self._parse(raw, headers.get("content-type", ""), parsed.query)
            self._record(Call("response", path, body, headers, raw))
            self._send(handler, 200, b"ok", "text/plain")
        else:
            self._record(Call("unknown", path, {}, headers, raw))
            self._send(handler, 404, b"not found", "text/plain")

    @staticmethod
    def _parse(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
        body: dict[str, Any] = {k: v[0] for k, v in parse_qs(query).items()}
        text = raw.decode("utf-8", "replace")
        if "json" in content_type and text:
            body.update(json.loads(text))
        elif text:
            body.update({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()})
        for key in ("blocks", "view", "file_uploads", "files", "attachments"):
            if isinstance(body.get(key), str):
                try:
                    body[key] = json.loads(body[key])
                except json.JSONDecodeError:
                    pass
        return body

    def _authorized(self, call: Call) -> bool:
        return call.headers.get("authorization") == f"Bearer {self.token}" or call.body.get("token") == self.token

    def _api(self, method: str, call: Call) -> tuple[int, dict[str, Any]]:
        if not self._authorized(call):
            return 200, {"ok": False, "error": "invalid_auth"}
        if method in self.fail:
            return 200, {"ok": False, "error": self.fail[method]}
        b = call.body
        match method:
            case "auth.test":
                return 200, {"ok": True, "url": "https://madoguchi-test.slack.com/", "team": "madoguchi-test",
                             "user": "madoguchi", "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
            case "chat.postMessage":
                ts = self.next_ts()
                channel = str(b.get("channel"))
                if channel.startswith("U"):
                    channel = "D" + channel[1:]  # posting to a user id opens the DM
                message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": b.get("text", ""),
                           "ts": ts, "blocks": b.get("blocks")}
                if b.get("thread_ts"):
                    message["thread_ts"] = b["thread_ts"]
                    with self._lock:
                        self.threads.setdefault((channel, str(b["thread_ts"])), []).append(message)
                return 200, {"ok": True, "channel": channel, "ts": ts, "message": message}
            case "chat.update":
                return 200, {"ok": True, "channel": b.get("channel"), "ts": b.get("ts"), "text": b.get("text", "")}
            case "chat.postEphemeral":
                return 200, {"ok": True, "message_ts": self.next_ts()}
            case "chat.getPermalink":
                ts = str(b.get("message_ts", "")).replace(".", "")
                return 200, {"ok": True, "channel": b.get("channel"),
                             "permalink": f"https://madoguchi-test.slack.com/archives/{b.get('channel')}/p{ts}"}
            case "reactions.add" | "reactions.remove":
                return 200, {"ok": True}
            case "views.open":
                return 200, {"ok": True, "view": {"id": "V0VIEW001", **(b.get("view") or {})}}
            case "files.info":
                file = self.files.get(str(b.get("file")))
                if file is None:
                    return 200, {"ok": False, "error": "file_not_found"}
                url = f"{self.url}/files/{file.id}/{file.name}"
                return 200, {"ok": True, "file": {"id": file.id, "name": file.name, "title": file.name,
                                                  "size": len(file.content), "user": file.user,
                                                  "url_private": url, "url_private_download": url + "?download=1"}}
            case "files.getUploadURLExternal":
                file_id = f"F0UP{next(self._ts):05d}"
                return 200, {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
            case "files.completeUploadExternal":
                files = b.get("files") or []
                return 200, {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
            case "conversations.replies":
                with self._lock:
                    messages = sorted(self.threads.get((str(b.get("channel")), str(b.get("ts"))), []),
                                      key=lambda m: float(m["ts"]))
                if not messages:
                    return 200, {"ok": False, "error": "thread_not_found"}
                return 200, {"ok": True, "messages": [dict(m) for m in messages], "has_more": False}
            case "users.info":
                user = str(b.get("user"))
                info = self.users.get(user, {"id": user, "name": user.lower(), "real_name": "テスト職員", "tz": "Asia/Tokyo"})
                return 200, {"ok": True, "user": info}
        return 200, {"ok": False, "error": "unknown_method"}

    def _download(self, handler: BaseHTTPRequestHandler, path: str, headers: dict[str, str]) -> None:
        parts = path.split("/")
        file = self.files.get(parts[2]) if len(parts) > 2 else None
        if headers.get("authorization") != f"Bearer {self.token}":
            # Slack answers an unauthenticated download with its HTML login page
            self._send(handler, 200, b"<!DOCTYPE html><html>login</html>", "text/html; charset=utf-8")
        elif file is None:
            self._send(handler, 404, b"not found", "text/plain")
        else:
            self._send(handler, 200, file.content, file.content_type)

    def _send_json(self, handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        self._send(handler, status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
