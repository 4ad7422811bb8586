"""Read an uploaded plan in a worker process with a hard timeout and a memory cap, killed if the client leaves."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from fastapi.concurrency import run_in_threadpool

from bot.config import Settings
from bot.plans.limits import MB, PlanLimits
from bot.plans.plan import Plan, parse_plan
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.web")

_POLL_SECONDS = 0.05
_context: BaseContext | None = None


def plan_limits(settings: Settings) -> PlanLimits:
    """The plan-reading caps the settings ask for."""
    return PlanLimits(
        max_bytes=settings.max_upload_bytes,
        max_unzipped_bytes=settings.plan_max_unzipped_mb * MB,
        max_zip_ratio=settings.plan_max_zip_ratio,
        max_chars=settings.plan_max_chars,
        max_pdf_pages=settings.plan_max_pdf_pages,
    )


def worker_context() -> BaseContext:
    """A forkserver context (Linux) with the readers preloaded, so each worker starts in milliseconds."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["bot.web.plan_worker", "docx", "pypdf", "yaml"])
            _context = ctx
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _virtual_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _confine(memory_mb: int, seconds: float) -> None:
    """Cap the worker's address space and CPU time, and let answers go first on a busy machine."""
    try:
        import resource

        budget = _virtual_bytes() + memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        os.nice(5)
    except (ImportError, ValueError, OSError):  # not Linux: the parent's timeout still applies
        pass


def _work(conn: Connection, data: bytes | str, filename: str | None, limits: PlanLimits, memory_mb: int,
          seconds: float) -> None:
    """Worker body: parse, send ("ok", plan) or ("error", code, message, hint) or ("memory",)."""
    _confine(memory_mb, seconds)
    try:
        conn.send(("ok", parse_plan(data, filename, limits=limits)))
    except DeskError as exc:
        conn.send(("error", exc.code.value, exc.message, exc.hint))
    except MemoryError:
        conn.send(("memory",))
    except RecursionError:
        conn.send(("error", Code.UNREADABLE_FILE.value, "ファイルの構造が深すぎて読み取れません。", "保存し直してください。"))
    except BaseException as exc:  # any reader bug: the parent answers 422, the worker ends
        conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


def _timeout(seconds: float) -> DeskError:
    return DeskError(
        Code.TOO_LARGE,
        f"計画書の読み取りに時間がかかりすぎたため中止しました（上限 {seconds:g} 秒）。",
        "本文だけを .txt や .docx で送るか、計画書を章ごとに分けてください。",
    )


def _memory(memory_mb: int) -> DeskError:
    return DeskError(
        Code.TOO_LARGE,
        f"計画書の読み取りに必要なメモリが上限（{memory_mb}MB）を超えたため中止しました。",
        "画像や表を減らすか、本文だけを .txt で送ってください。",
    )


class ClientGone(DeskError):
    """The client closed the connection while its plan was being read; the worker was stopped."""

    def __init__(self) -> None:
        super().__init__(Code.INVALID_INPUT, "接続が切れたため、計画書の読み取りを中止しました。")


def _outcome(message: tuple[Any, ...], memory_mb: int) -> Plan:
    kind = message[0]
    if kind == "ok":
        plan: Plan = message[1]
        return plan
    if kind == "error":
        raise DeskError(Code(message[1]), message[2], message[3])
    if kind == "memory":
        raise _memory(memory_mb)
    log.warning("plan worker failed: %s", message[1:] or kind)
    raise DeskError(Code.UNREADABLE_FILE, "計画書ファイルを読み取れませんでした。", "保存し直すか、本文をテキストで送ってください。")


async def parse_in_worker(
    data: bytes | str,
    filename: str | None,
    *,
    limits: PlanLimits,
    timeout: float,
    memory_mb: int,
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> Plan:
    """Parse a plan in a fresh worker process; kill it on timeout, on the client leaving, or when it is done."""
    ctx = worker_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(  # type: ignore[attr-defined]
        target=_work, args=(sender, data, filename, limits, memory_mb, timeout), daemon=True, name="madoguchi-plan"
    )
    deadline = time.monotonic() + timeout
    try:
        await run_in_threadpool(process.start)
        sender.close()
        log.info("plan worker %d started for %r", process.pid, (filename or "text")[:80])
        while True:
            if receiver.poll():
                message = await run_in_threadpool(receiver.recv)
                return _outcome(message, memory_mb)
            if not process.is_alive():
                if receiver.poll():
                    continue
                # killed by the kernel (address-space or CPU limit) before it could answer
                if process.exitcode is not None and process.exitcode < 0:
                    raise _memory(memory_mb) if time.monotonic() < deadline else _timeout(timeout)
                return _outcome(("crash", f"exit {process.exitcode}"), memory_mb)
            if time.monotonic() > deadline:
                raise _timeout(timeout)
            if disconnected is not None and await disconnected():
                log.info("client left while its plan was being read; worker stopped")
                raise ClientGone()
            await asyncio.sleep(_POLL_SECONDS)
    except EOFError:
        return _outcome(("crash", "no answer"), memory_mb)
    finally:
        if process.is_alive():
            process.kill()
        if process.pid is not None:
            await run_in_threadpool(process.join, 5)
        receiver.close()
