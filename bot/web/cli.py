"""``madoguchi serve``: the web API, the widget and the demo page under uvicorn."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from bot.cli.kit import handle_errors, out_console, settings
from bot.config import Settings


def _configure_logging(s: Settings) -> dict[str, Any]:
    """Configure the root logger; uvicorn's own loggers then propagate to it (one format, with request ids)."""
    try:
        from bot.logging_setup import configure_from_settings
    except ImportError:
        logging.basicConfig(level=s.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    else:
        configure_from_settings(s)
    return {"log_config": None, "log_level": s.log_level.lower()}


def usable_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers(s: Settings) -> int:
    """One worker per core when rate limits and the answer cache are shared (``MADOGUCHI_REDIS_URL``), else 1:
    without Redis each worker would keep its own rate-limit counts, multiplying every client's allowance."""
    return usable_cores() if s.redis_url else 1


@contextmanager
def prometheus_multiprocess(workers: int) -> Iterator[str | None]:
    """With several workers, a ``PROMETHEUS_MULTIPROC_DIR`` the workers inherit (so /metrics sums them all):
    the operator's (emptied of a previous run's files, also with one worker) or a temporary one removed on exit."""
    from bot.metrics import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if workers <= 1 and not given:
        yield None
        return
    directory = Path(given) if given else Path(tempfile.mkdtemp(prefix="madoguchi-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # counts of a previous run would be added to this one's
        stale.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    try:
        yield str(directory)
    finally:
        if not given:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(directory, ignore_errors=True)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command(short_help="Web API・ウィジェット・デモページを起動する")
    @handle_errors
    def serve(
        host: str = typer.Option(None, "--host", help="待ち受けるアドレス（既定: MADOGUCHI_HOST または 127.0.0.1）"),
        port: int = typer.Option(None, "--port", help="ポート番号（既定: MADOGUCHI_PORT または 8000）"),
        workers: int = typer.Option(
            None, "--workers", min=1, envvar="MADOGUCHI_WORKERS",
            help="ワーカープロセス数（既定: MADOGUCHI_REDIS_URL があれば CPU コア数、なければ 1。"
                 "2以上は MADOGUCHI_REDIS_URL で制限を共有）",
        ),
    ) -> None:
        """Web API（/docs）、OpenAI 互換のチャット、ウィジェット（/widget.js）、デモページ（/）を起動する。"""
        import uvicorn

        from bot.web.app import create_app

        s = settings()
        host = host or s.host
        port = port or s.port
        workers = workers or default_workers(s)
        logging_options = _configure_logging(s)
        shown = "localhost" if host in ("0.0.0.0", "::") else host
        out_console.print(
            f"madoguchi を http://{shown}:{port} で起動します（デモページ: / 、API ドキュメント: /docs 、停止: Ctrl-C）",
            highlight=False,
        )
        from bot.web.server import PROTOCOL, GuardedHttpToolsProtocol

        GuardedHttpToolsProtocol.configure(s)
        common: dict[str, Any] = {"host": host, "port": port, "proxy_headers": False, "http": PROTOCOL, **logging_options}
        if workers > 1:
            if not s.redis_url:
                logging.getLogger("madoguchi.web").warning(
                    "--workers %d without MADOGUCHI_REDIS_URL: each worker keeps its own rate-limit counts", workers
                )
            from bot.web import prefork

            with prometheus_multiprocess(workers):
                if prefork.supported():  # workers forked after the model is loaded: they share its memory
                    status = prefork.run(s, workers, common)
                    if status:
                        raise typer.Exit(status)
                    return
                common.pop("log_config")  # spawned worker processes start fresh: keep uvicorn's own log setup there
                uvicorn.run("bot.web.app:create_app", factory=True, workers=workers, **common)
        else:
            with prometheus_multiprocess(workers):
                uvicorn.run(create_app(s), **common)
