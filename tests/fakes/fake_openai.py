"""A local fake of an OpenAI-compatible chat endpoint: a real HTTP server on 127.0.0.1, port 0, in a thread.

Import it as ``from fakes.fake_openai import FakeOpenAI, Reply`` (``tests/`` is on ``sys.path`` through
the rootdir conftest). Script what it answers, then point a client at ``fake.base_url``::

    with FakeOpenAI() as fake:
        fake.push(Reply("答えです。[1]"))                 # next request (stream or not)
        fake.push(Reply(status=500))                      # the one after: HTTP 500
        fake.push(Reply("遅い", delay=5))                 # sleeps 5 s before answering (client timeout)
        fake.push(Reply("途中で", chunks=["途中", "で"], fail_after=1))  # drops the connection mid-stream
        fake.responder = lambda req: Reply(req.user[:10])  # or decide per request
        ... client(base_url=fake.base_url, api_key="x") ...
        fake.requests[0].system, fake.requests[0].user, fake.requests[0].body

Streams are SSE chunks in the OpenAI format (role chunk, content chunks, a finish chunk, a usage chunk
when ``stream_options.include_usage`` was asked for, then ``data: [DONE]``) over chunked transfer
encoding, so a dropped connection is a protocol error for the client, as it would be in production.
Without a scripted reply the server answers HTTP 500 with "no scripted reply" (the test sees why).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What the fake answers to one request."""

    content: str = ""
    chunks: list[str] | None = None  # stream pieces; default: content cut into 4-character pieces
    status: int = 200
    delay: float = 0.0  # seconds to sleep before responding (to cause a client timeout)
    chunk_delay: float = 0.0  # seconds between stream chunks
    fail_after: int | None = None  # stream: drop the connection after this many content chunks
    gate_after: int | None = None  # stream: after this many content chunks wait for ``fake.release()``
    usage: bool = True  # report token usage (streams: only when the client asked with include_usage)
    finish_reason: str = "stop"
    error_message: str = "scripted failure"

    def pieces(self) -> list[str]:
        """The content chunks of a streamed reply."""
        if self.chunks is not None:
            return list(self.chunks)
        return [self.content[i : i + 4] for i in range(0, len(self.content), 4)]


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of the request."""
        return list(self.body.get("messages", []))

    def _role(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)

    @property
    def system(self) -> str:
        """All system-role text of the request."""
        return self._role("system")

    @property
    def user(self) -> str:
        """All user-role text of the request."""
        return self._role("user")

    @property
    def stream(self) -> bool:
        """True when the client asked for a stream."""
        return bool(self.body.get("stream"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client that gave up (timeout, dropped stream) is expected here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return None

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        fake = self.server.fake
        fake._record(self, {})
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": fake.model, "object": "model", "owned_by": "fake"}]})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
            return
        recorded = fake._record(self, body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        reply = fake._next_reply(recorded)
        if reply.delay and fake._stopping.wait(reply.delay):
            return
        if reply.status != 200:
            error = {"message": reply.error_message, "type": "server_error", "code": reply.status}
            self._json(reply.status, {"error": error})
            return
        model = str(body.get("model") or fake.model)
        if recorded.stream:
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._stream(fake, reply, model, recorded, include_usage)
        else:
            self._json(200, fake._completion(reply, model, recorded))

    def _chunk(self, payload: str) -> None:
        data = payload.encode("utf-8")
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, obj: dict[str, Any] | str) -> None:
        text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
        self._chunk(f"data: {text}\n\n")

    def _stream(self, fake: FakeOpenAI, reply: Reply, model: str, recorded: Recorded, include_usage: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        base = {"id": f"chatcmpl-fake-{len(fake.requests)}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

        def choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            chunk: dict[str, Any] = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if include_usage:
                chunk["usage"] = None
            return chunk

        self._event(choice({"role": "assistant", "content": ""}))
        pieces = reply.pieces()
        for i, piece in enumerate(pieces):
            if reply.fail_after is not None and i >= reply.fail_after:
                self.close_connection = True
                self.connection.shutdown(2)  # abrupt: no final chunk, no [DONE]
                return
            if reply.gate_after is not None and i == reply.gate_after:
                fake._gate.wait(timeout=30)
            if reply.chunk_delay and fake._stopping.wait(reply.chunk_delay):
                return
            self._event(choice({"content": piece}))
            fake.chunks_sent += 1
        self._event(choice({}, reply.finish_reason))
        if include_usage and reply.usage:
            usage = fake._usage(recorded, "".join(pieces), len(pieces))
            self._event({**base, "choices": [], "usage": usage})
        self._event("[DONE]")
        self._chunk("")  # terminating zero-length chunk


class FakeOpenAI:
    """A scriptable OpenAI-compatible chat server on loopback that records every request."""

    def __init__(self, replies: list[Reply] | None = None, model: str = "fake-model") -> None:
        self.model = model
        self.replies: list[Reply] = list(replies or [])
        self.responder: Callable[[Recorded], Reply] | None = None
        self.requests: list[Recorded] = []
        self.chunks_sent = 0
        self._lock = threading.Lock()
        self._gate = threading.Event()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ----------------------------------------------------------------------
    def push(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order (used before ``responder``)."""
        with self._lock:
            self.replies.extend(replies)

    def reset(self) -> None:
        """Forget scripted replies, the responder, recorded requests and the gate (reuse across tests)."""
        with self._lock:
            self.replies.clear()
            self.requests.clear()
        self.responder = None
        self.chunks_sent = 0
        self._gate.clear()

    def release(self) -> None:
        """Let a stream waiting at ``gate_after`` continue."""
        self._gate.set()

    @property
    def chat_requests(self) -> list[Recorded]:
        """The recorded chat-completion requests."""
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The OpenAI base URL of the fake (``http://127.0.0.1:<port>/v1``)."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        server = self._server
        self._thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; sleeping replies and gates are released at once."""
        self._stopping.set()
        self._gate.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- used by the handler -----------------------------------------------------------------
    def _record(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> Recorded:
        recorded = Recorded(handler.command, handler.path, {k.lower(): v for k, v in handler.headers.items()}, body)
        with self._lock:
            self.requests.append(recorded)
        return recorded

    def _next_reply(self, recorded: Recorded) -> Reply:
        with self._lock:
            if self.replies:
                return self.replies.pop(0)
        if self.responder is not None:
            return self.responder(recorded)
        return Reply(status=500, error_message="no scripted reply")

    @staticmethod
    def _usage(recorded: Recorded, text: str, pieces: int) -> dict[str, int]:
        prompt = sum(len(str(m.get("content", ""))) for m in recorded.messages)
        return {"prompt_tokens": prompt, "completion_tokens": pieces, "total_tokens": prompt + pieces}

    def _completion(self, reply: Reply, model: str, recorded: Recorded) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content},
                    "finish_reason": reply.finish_reason,
                }
            ],
        }
        if reply.usage:
            payload["usage"] = self._usage(recorded, reply.content, max(1, len(reply.pieces())))
        return payload
