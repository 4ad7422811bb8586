"""Plan-analysis assist over a real HTTP round trip to the fake OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.fake_openai import FakeOpenAI, Reply
from pydantic import BaseModel

from bot.answering.llm import make_chat_model
from bot.answering.prompts import chat_prompt
from bot.config import Settings
from bot.plans.llm_assist import assist_match_reason, assist_precheck_item

PLAN = "地場産業成長プラン（案）\n本市は、市長が記者会見で本計画を発表し、産業振興課に相談窓口を設置する。\n目標: 域内取引額を3年で10%増やす。"


class Item(BaseModel):
    label: str
    status: str
    evidence: list[str] = []
    suggestion: str = ""
    rule: str = ""


ITEM = Item(label="自治体のコミットメント", status="partial", rule="相談窓口の設置。知事等としての発表。", suggestion="元の提案")


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def _llm(fake: FakeOpenAI):  # type: ignore[no-untyped-def]
    settings = Settings(  # type: ignore[call-arg]
        data_dir=Path("/nonexistent"), _env_file=None, llm_base_url=fake.base_url, llm_model="fake-model", llm_timeout=5
    )
    return make_chat_model(settings)


def test_met_is_kept_only_with_verbatim_evidence(fake: FakeOpenAI) -> None:
    quote = "市長が記者会見で本計画を発表し、産業振興課に相談窓口を設置する。"
    fake.push(Reply(json.dumps({"status": "met", "evidence": [quote], "suggestion": ""}, ensure_ascii=False)))
    fake.push(Reply('```json\n{"status": "met", "evidence": ["市長が計画を発表した。"], "suggestion": "発表日を書いてください。"}\n```'))
    met = assist_precheck_item(_llm(fake), ITEM, PLAN)
    downgraded = assist_precheck_item(_llm(fake), ITEM, PLAN)
    assert (met.status, met.evidence) == ("met", [quote])
    assert (downgraded.status, downgraded.evidence, downgraded.suggestion) == ("partial", [], "発表日を書いてください。")
    request = fake.chat_requests[0]
    assert not request.stream and request.system == chat_prompt("precheck_assist").system_text
    assert "<<<計画書\n" + PLAN in request.user and "自治体のコミットメント" in request.user


@pytest.mark.parametrize("reply", [Reply(status=500), Reply("JSONではない返答です。"), Reply('{"status": "great"}')])
def test_failures_leave_the_item_unchanged(fake: FakeOpenAI, reply: Reply) -> None:
    fake.push(reply)
    assert assist_precheck_item(_llm(fake), ITEM, PLAN) == ITEM


def test_not_applicable_items_do_not_call_the_llm(fake: FakeOpenAI) -> None:
    item = ITEM.model_copy(update={"status": "not_applicable"})
    assert assist_precheck_item(_llm(fake), item, PLAN) == item
    assert fake.chat_requests == []


def test_match_reason_rejects_invented_numbers(fake: FakeOpenAI) -> None:
    facts = "よろず支援拠点: 中小企業の経営相談に無料で対応する。"
    fake.push(Reply("相談窓口を設置する本市の計画では、よろず支援拠点で地場企業の経営相談を無料で受けられます。"))
    fake.push(Reply("よろず支援拠点の補助率は3分の2で、上限500万円です。"))
    assert assist_match_reason(_llm(fake), "よろず支援拠点", facts, ["経営相談"], PLAN)
    assert assist_match_reason(_llm(fake), "よろず支援拠点", facts, ["経営相談"], PLAN) is None
