"""The gap report groups declined questions, 👎 answers and consultations; FAQ candidates pass corpus validate;
retention purges consultations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from conftest import CORPUS

from bot.audit.consultations import Contact, consultation_store
from bot.audit.log import AuditLog
from bot.audit.usage_report import build_report
from bot.config import Settings
from bot.events import DeskEvent

SUBSIDY = ["ドローン導入の補助金はありますか", "ドローン導入に使える補助金を知りたい", "ドローン導入の補助金の締切は？"]
OTHER = "社員旅行の行き先を決めてください"


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]


def _ask(audit: AuditLog, question: str, refused: bool) -> str:
    answer_id = uuid.uuid4().hex
    audit.listener(DeskEvent(kind="ask", channel="widget", audience="public", question=question, answer_id=answer_id,
                             text="資料にありません" if refused else "回答です", refused=refused))
    return answer_id


def test_the_gap_report_groups_unanswered_questions_by_topic(tmp_path: Path) -> None:
    audit = AuditLog(_settings(tmp_path))
    _ask(audit, SUBSIDY[0], refused=True)
    _ask(audit, SUBSIDY[1], refused=True)
    rated = _ask(audit, "よろず支援拠点の場所は", refused=False)
    _ask(audit, OTHER, refused=True)
    _ask(audit, "よろず支援拠点では何を相談できますか", refused=False)  # answered, no 👎: not a gap
    audit.flush()
    audit.record_feedback(rated, "down")
    store = consultation_store(audit.store)
    store.create(question=SUBSIDY[2] + " 連絡は taro@example.jp へ", conversation=[], attempt={}, answer_id=None,
                 contact=Contact(email="taro@example.jp"), consent=True, origin="http://x", page_url=None,
                 channel="widget", staff_channel=None)
    hits = []

    def search(question: str, k: int = 1) -> list[object]:
        hits.append(question)
        return []

    report = build_report(audit, search=search)
    groups = {g.label: g for g in report.gap_groups}
    drone = next(g for g in report.gap_groups if any(SUBSIDY[0] == i.question for i in g.items))
    assert drone.total == 3 and drone.by_kind == {"declined": 2, "consultation": 1}
    assert "ドローン" in drone.label and sum(drone.by_day.values()) == 3
    assert any(g.by_kind == {"down": 1} for g in groups.values())
    assert any(i.question == OTHER for g in groups.values() for i in g.items)
    assert not any("何を相談できますか" in i.question for g in groups.values() for i in g.items)
    everything = " ".join(i.question for g in report.gap_groups for i in g.items)
    assert "taro@example.jp" not in everything and "[メールアドレス]" in everything
    assert len(hits) == len(report.gap_groups)  # the desk's retrieval is asked once per group
    audit.close()


def test_a_faq_candidate_exports_an_entry_that_corpus_validate_accepts(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    audit = AuditLog(settings)
    store = consultation_store(audit.store)
    row, _ = store.create(question="商店街の空き店舗を使った創業の相談先は？", conversation=[], attempt={}, answer_id=None,
                          contact=Contact(), consent=False, origin="http://x", page_url=None, channel="api",
                          staff_channel=None)
    reply = store.reply(row["id"], "よろず支援拠点と商工会議所の創業相談をご利用ください。\n市の創業補助もあります。",
                        author="佐藤", via="cli")
    assert store.faq_candidates() == []
    assert store.mark_faq(reply["id"])
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(settings.data_dir), "MADOGUCHI_EMBED_THREADS": "1",
           "MADOGUCHI_CORPUS_DIR": str(CORPUS)}
    exported = subprocess.run([sys.executable, "-m", "bot", "consultations", "faq"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    entries = yaml.safe_load(exported.stdout)["measures"]
    assert len(entries) == 1 and "空き店舗" in entries[0]["name"] and entries[0]["verified"] is False
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    catalog = corpus / "support_measures.yaml"
    data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
    data["measures"].extend(entries)
    catalog.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    valid = subprocess.run([sys.executable, "-m", "bot", "corpus", "validate", str(corpus)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert (CORPUS / "support_measures.yaml").read_text(encoding="utf-8").count("faq-") == 0  # never written there
    audit.close()


def test_retention_purges_consultations_with_their_replies(tmp_path: Path) -> None:
    audit = AuditLog(_settings(tmp_path))
    store = consultation_store(audit.store)
    row, _ = store.create(question="古い相談", conversation=[], attempt={}, answer_id=None, contact=Contact(),
                          consent=False, origin="http://x", page_url=None, channel="api", staff_channel=None)
    store.reply(row["id"], "回答", author="a", via="cli")
    counts = audit.purge(datetime.now(UTC) + timedelta(seconds=5))
    assert counts["consultations"] == 1 and counts["consultation_replies"] == 1
    assert store.get(row["id"]) is None
    audit.close()


def test_madoguchi_report_shows_the_gap_groups_in_the_terminal_and_html(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data")
    audit = AuditLog(settings)
    for question in SUBSIDY[:2]:
        _ask(audit, question, refused=True)
    audit.close()
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(settings.data_dir), "MADOGUCHI_EMBED_THREADS": "1",
           "MADOGUCHI_CORPUS_DIR": str(CORPUS), "COLUMNS": "200"}
    terminal = subprocess.run([sys.executable, "-m", "bot", "report"], env=env, capture_output=True, text=True, timeout=120)
    assert terminal.returncode == 0, terminal.stderr
    assert "資料の穴（話題別" in terminal.stdout and "ドローン" in terminal.stdout
    page = tmp_path / "report.html"
    html = subprocess.run([sys.executable, "-m", "bot", "report", "--html", str(page)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert html.returncode == 0, html.stderr
    text = page.read_text(encoding="utf-8")
    table = text[text.index('id="gap-groups"'):]
    assert SUBSIDY[0] in table and SUBSIDY[1] in table
