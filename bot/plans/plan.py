"""Reading a draft plan from .md/.txt/.docx/.pdf/.yaml/.json into one ``Plan`` (text, title, fields)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml

from bot.plans.limits import DEFAULT_LIMITS, PlanLimits
from bot.plans.readers import check_chars, decode_text, docx_text, pdf_text
from retrieval.errors import Code, DeskError

MAX_PLAN_BYTES = DEFAULT_LIMITS.max_bytes
MAX_FIELD_DEPTH = 50  # nesting of a structured (.yaml / .json) plan
MAX_FIELD_VALUES = 50_000  # values of a structured plan, counted after YAML aliases are expanded
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ""}
STRUCTURED_SUFFIXES = {".yaml", ".yml", ".json"}
SUFFIXES = TEXT_SUFFIXES | STRUCTURED_SUFFIXES | {".docx", ".pdf"}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_TITLE_MARKS = re.compile(r"^[#■□◆◇●○・\-*\s]+")

# Keys of a structured plan (English or Japanese) and the Japanese label used when it is rendered as text.
FIELD_LABELS: dict[str, str] = {
    "title": "計画名",
    "plan_type": "計画類型",
    "region": "地域",
    "sector": "分野",
    "products": "製品・サービス",
    "market": "市場",
    "core_companies": "核となる企業",
    "companies": "企業",
    "investment": "投資",
    "investments": "投資",
    "goals": "目標",
    "kpis": "KPI",
    "stage_gates": "ステージゲート",
    "structure": "体制",
    "support_system": "支援体制",
    "needs": "ニーズ",
    "issues": "課題",
    "value_chain": "バリューチェーン",
    "impact": "域内への波及",
    "name": "名称",
    "employees": "従業員数",
    "sales": "売上高",
    "amount": "金額",
    "wage_increase": "賃上げ率",
    "outside_sales": "域外販売額",
    "inside_purchases": "域内仕入額",
    "pref_outside_sales": "都道府県の域外販売額",
    "pref_inside_purchases": "都道府県の域内仕入額",
    "body": "",
    "text": "",
}


@dataclass
class Plan:
    """A draft plan: its plain text, a title, structured fields (if it came as YAML/JSON) and its source."""

    text: str
    title: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    source_name: str = ""

    @property
    def declared_plan_type(self) -> str | None:
        """The plan type the structured input states (``plan_type`` / ``計画類型``), if any."""
        for key in ("plan_type", "計画類型", "type"):
            value = self.fields.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None


def _fail(code: Code, message: str, hint: str = "") -> DeskError:
    return DeskError(code, message, hint)


def _render(value: Any, indent: str = "") -> list[str]:
    """Structured data as readable Japanese lines (``ラベル：値``)."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            label = FIELD_LABELS.get(str(key), str(key))
            if isinstance(item, dict | list):
                if label:
                    lines.append(f"{indent}{label}：")
                lines += _render(item, indent + "  ")
            elif item is not None and str(item).strip():
                lines.append(f"{indent}{label}：{item}" if label else f"{indent}{item}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                parts = _render(item)
                lines.append(indent + "・" + "、".join(p.strip() for p in parts))
            elif item is not None:
                lines.append(f"{indent}・{item}")
    elif value is not None:
        lines.append(f"{indent}{value}")
    return lines


def _check_shape(data: Any) -> None:
    """Refuse a structured plan nested too deep or holding too many values (YAML aliases can multiply a tiny file)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if depth > MAX_FIELD_DEPTH:
            raise _fail(Code.INVALID_INPUT, "構造化された計画の入れ子が深すぎます。", "項目の階層を浅くしてください。")
        if seen > MAX_FIELD_VALUES:
            raise _fail(Code.TOO_LARGE, "構造化された計画の項目が多すぎます。", "本文だけを抜き出すか、ファイルを分けてください。")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _structured(text: str, suffix: str) -> dict[str, Any]:
    kind = "JSON" if suffix == ".json" else "YAML"
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _fail(Code.INVALID_INPUT, f"{kind} の書式が正しくありません: {str(exc).splitlines()[0]}") from exc
    except ValueError as exc:  # an integer of more than 4,300 digits (int_max_str_digits)
        raise _fail(Code.INVALID_INPUT, f"{kind} に桁数の多すぎる数値があります。", "数値は 4,300 桁以内で書いてください。") from exc
    except RecursionError as exc:
        raise _fail(Code.INVALID_INPUT, f"{kind} の入れ子が深すぎます。", "項目の階層を浅くしてください。") from exc
    if not isinstance(data, dict):
        raise _fail(Code.INVALID_INPUT, "構造化された計画は、項目名と値の組（マッピング）で書いてください。", "例: plan_type, region, sector, core_companies, goals, kpis")
    _check_shape(data)
    return data


def _title_of(text: str) -> str:
    for line in text.splitlines():
        line = _TITLE_MARKS.sub("", line).strip()
        if line:
            return line[:120]
    return ""


def check_content(text: str) -> None:
    """Raise ``DeskError`` when the text is empty or carries no readable Japanese content."""
    if not text.strip():
        raise _fail(Code.EMPTY_INPUT, "計画の内容が空です。", "計画案の本文を含むファイルか文章を渡してください。")
    cjk = _CJK.findall(text)
    if len(cjk) < 10 or len(set(cjk)) < 5:
        raise _fail(
            Code.NO_TEXT,
            "計画として読み取れる内容が見つかりません。",
            "計画案の本文（目標、核となる企業、KPI など）を日本語で記載したものを渡してください。",
        )


def parse_plan(
    data: bytes | str, filename: str | None = None, *, max_bytes: int | None = None, limits: PlanLimits | None = None
) -> Plan:
    """Read a draft plan from bytes or text within ``limits``; the file name's suffix picks the reader."""
    limits = limits or DEFAULT_LIMITS
    max_bytes = limits.max_bytes if max_bytes is None else max_bytes
    name = PurePath(filename).name if filename and filename != "-" else ""
    suffix = PurePath(name).suffix.lower() if name else ""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise _fail(Code.TOO_LARGE, f"計画ファイルが大きすぎます（上限 {max_bytes // (1024 * 1024)}MB）。", "本文だけを抜き出すか、ファイルを分けてください。")
    if suffix not in SUFFIXES:
        raise _fail(Code.UNSUPPORTED_FILE, f"{suffix} 形式のファイルには対応していません。", "対応形式: .md .txt .docx .pdf .yaml .json")
    title, fields = "", {}
    if isinstance(data, bytes):
        if not suffix and data.startswith(b"%PDF"):
            suffix = ".pdf"
        elif not suffix and data.startswith(b"PK\x03\x04"):
            suffix = ".docx"
    if suffix == ".pdf":
        if isinstance(data, str):
            raise _fail(Code.INVALID_INPUT, "PDF はバイト列で渡してください。")
        text = pdf_text(data, limits)
    elif suffix == ".docx":
        if isinstance(data, str):
            raise _fail(Code.INVALID_INPUT, "Word ファイルはバイト列で渡してください。")
        text, title = docx_text(data, limits)
    else:
        text = check_chars(data, limits) if isinstance(data, str) else decode_text(data, limits)
        if suffix in STRUCTURED_SUFFIXES and text.strip():
            fields = _structured(text, suffix)
            text = "\n".join(_render(fields))
            title = str(fields.get("title") or fields.get("計画名") or "")
    text = check_chars(text.replace("\r\n", "\n").replace("\r", "\n").strip(), limits)
    check_content(text)
    return Plan(text=text, title=title or _title_of(text), fields=fields, source_name=name)


def as_plan(plan: Plan | str) -> Plan:
    """A ``Plan`` from a Plan or plain text (raises ``DeskError`` on empty or unreadable text)."""
    if isinstance(plan, Plan):
        check_content(plan.text)
        return plan
    if not isinstance(plan, str):
        raise _fail(Code.INVALID_INPUT, "計画は文字列か Plan で渡してください。")
    return parse_plan(plan)
