"""Run the app with uvicorn in a background thread (tests, evals and notebooks that need a live desk URL)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bot.config import Settings, get_settings


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 180.0) -> Iterator[str]:
    """Serve ``app`` on ``host:port`` (0 = any free port) until the block ends; yields the base URL."""
    settings = getattr(app.state, "settings", None)
    if isinstance(settings, Settings):
        GuardedHttpToolsProtocol.configure(settings)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False, lifespan="on",
                            http=GuardedHttpToolsProtocol)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="madoguchi-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("uvicorn did not start (see the log above)")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# --- connection hygiene ----------------------------------------------------------------------------------------
log = logging.getLogger("madoguchi.web")


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header-read timeout, a body-read timeout and a per-IP connection cap:
    a client that trickles its headers or body, or opens hundreds of idle connections, is cut off."""

    header_timeout: float | None = None
    body_timeout: float | None = None
    max_per_ip: int | None = None
    open_per_ip: Counter[str] = Counter()
    _timer: asyncio.TimerHandle | None = None
    _ip: str | None = None

    @classmethod
    def configure(cls, settings: Settings) -> None:
        """Take the limits from the settings (worker processes read them from the environment on first use)."""
        cls.header_timeout = settings.serve_header_timeout
        cls.body_timeout = settings.serve_body_timeout
        cls.max_per_ip = settings.serve_max_connections_per_ip

    def _arm(self, seconds: float | None, what: str) -> None:
        self._disarm()
        if seconds:
            self._timer = self.loop.call_later(seconds, self._expire, what)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, what: str) -> None:
        log.info("connection from %s closed: %s not received in time", self._ip, what)
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection for its IP (over the cap: closed at once) and start the header clock."""
        if self.header_timeout is None:
            type(self).configure(get_settings())
        super().connection_made(transport)
        self._ip = self.client[0] if self.client else "unknown"
        self.open_per_ip[self._ip] += 1
        if self.max_per_ip and self.open_per_ip[self._ip] > self.max_per_ip:
            log.warning("connection from %s refused: more than %d open", self._ip, self.max_per_ip)
            transport.abort()
            return
        self._arm(self.header_timeout, "request headers")

    def on_message_begin(self) -> None:
        """A (next) request starts: its headers must arrive within the header timeout."""
        super().on_message_begin()
        self._arm(self.header_timeout, "request headers")

    def on_headers_complete(self) -> None:
        """Headers in: the body must arrive within the body timeout."""
        super().on_headers_complete()
        self._arm(self.body_timeout, "request body")

    def on_message_complete(self) -> None:
        """The whole request is in: no clock while the app works."""
        super().on_message_complete()
        self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Release the IP's slot."""
        self._disarm()
        ip = self._ip
        if ip is not None:
            self.open_per_ip[ip] -= 1
            if self.open_per_ip[ip] <= 0:
                del self.open_per_ip[ip]
        super().connection_lost(exc)


PROTOCOL = "bot.web.server:GuardedHttpToolsProtocol"  # uvicorn's ``http=`` (an import string works in workers)
