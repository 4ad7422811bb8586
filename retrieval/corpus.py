"""The corpus as validated data: policy documents, the measure catalog and the requirement catalog."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from retrieval.chunk import chunk_document, chunk_measure
from retrieval.clarify import CLARIFY_FILE, validate_clarify
from retrieval.errors import Code, DeskError
from retrieval.loaders import DOCUMENT_SUFFIXES, load_document
from retrieval.questions import GLOSSARY_FILE, INTENTS_FILE, validate_glossary, validate_intents
from retrieval.schema import (
    CorpusProblem,
    Measure,
    PlanType,
    load_yaml,
    validate_measures,
    validate_requirements,
)
from retrieval.scope_rules import SCOPE_FILE, validate_scope
from retrieval.types import SECTION_SEP, Chunk, Document

MEASURES_FILE = "support_measures.yaml"
REQUIREMENTS_FILE = "requirements.yaml"


@dataclass
class Corpus:
    """Everything the index is built from."""

    documents: list[Document] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    plan_types: list[PlanType] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)
    warnings: list[CorpusProblem] = field(default_factory=list)  # reported, but the corpus is still valid

    def chunks(self) -> list[Chunk]:
        """All chunks: document sections, then one per catalog entry."""
        out: list[Chunk] = []
        for doc in self.documents:
            out.extend(chunk_document(doc, self.plan_types))
        out.extend(chunk_measure(m) for m in self.measures)
        return out

    def plan_type(self, plan_type_id: str) -> PlanType:
        """The plan type with this id."""
        for plan_type in self.plan_types:
            if plan_type.id == plan_type_id:
                return plan_type
        raise KeyError(plan_type_id)


def _document_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise DeskError(Code.NOT_FOUND, f"{path} が見つかりません。")
    return [f for f in files if f.name.lower() != "readme.md"]


def _check_references(corpus: Corpus) -> list[CorpusProblem]:
    """Sections named by the catalogs must exist as heading paths of the policy documents."""
    paths: set[str] = set()
    for doc in corpus.documents:
        for chunk in chunk_document(doc):
            parts = chunk.section.split(SECTION_SEP)
            paths.update(SECTION_SEP.join(parts[: i + 1]) for i in range(len(parts)))
    if not paths:
        return []
    problems: list[CorpusProblem] = []
    for n, m in enumerate(corpus.measures, start=1):
        for ref in m.policy_refs:
            if ref not in paths:
                problems.append(
                    CorpusProblem(file=MEASURES_FILE, entry=f"entry {n} (id={m.id})", message=f"policy_refs: no section {ref!r}")
                )
    for p in corpus.plan_types:
        for item in [*p.requirements, *p.content_items]:
            if item.section not in paths:
                problems.append(
                    CorpusProblem(
                        file=REQUIREMENTS_FILE, entry=f"{p.id} / {item.label}", message=f"section: no section {item.section!r}"
                    )
                )
    return problems


AGENCY_DOMAINS_KEY = "agency_domains"  # top-level list of support_measures.yaml: the hosts of agencies' own pages
_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def agency_domains(path: Path) -> tuple[tuple[str, ...], list[CorpusProblem]]:
    """The catalog's ``agency_domains`` (a domain covers its subdomains) and the problems of malformed entries."""
    data, problems = load_yaml(path)
    if problems or not isinstance(data, dict):
        return (), []
    raw = data.get(AGENCY_DOMAINS_KEY)
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [CorpusProblem(file=path.name, entry=AGENCY_DOMAINS_KEY, message="must be a list of domains")]
    domains: list[str] = []
    for n, item in enumerate(raw, start=1):
        domain = str(item).strip().lower() if isinstance(item, str) else ""
        if not _DOMAIN.match(domain):
            problems.append(CorpusProblem(file=path.name, entry=f"{AGENCY_DOMAINS_KEY}.{n}",
                                          message=f"not a domain name: {item!r} (write e.g. go.jp, jetro.go.jp)"))
            continue
        domains.append(domain)
    return tuple(domains), problems


def _agency(url: str, domains: Sequence[str]) -> bool:
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def _backed(url: str, domains: Sequence[str]) -> bool:
    """The entry's own source is primary: an agency's own page or the policy document itself."""
    return url.startswith("policy:") or _agency(url, domains)


def source_warnings(measures: Sequence[Measure], domains: Sequence[str]) -> list[CorpusProblem]:
    """Catalog entries that cite a secondary page: a web source_url on no agency domain (news, aggregators, blogs,
    chambers, local governments; named when ``sources`` already lists an agency page), and a ``verified: true``
    entry or criterion whose source_url is not an agency's own page."""
    out: list[CorpusProblem] = []
    if not domains and any(str(getattr(m, "source_url", "") or "").startswith("http") for m in measures):
        out.append(CorpusProblem(file=MEASURES_FILE, entry=AGENCY_DOMAINS_KEY,
                                 message="no agency domains listed; every web source_url counts as a secondary page"))
    for n, m in enumerate(measures, start=1):
        url = str(getattr(m, "source_url", "") or "")
        sources = [str(s) for s in getattr(m, "sources", []) or []]
        entry = f"entry {n} (id={m.id})"
        web = url.startswith("http")
        if web and not _agency(url, domains):
            host = urlparse(url).hostname or ""
            listed = next((s for s in sources if _agency(s, domains)), "")
            hint = f"sources lists an agency page: {listed}" if listed else "use it where one exists"
            out.append(CorpusProblem(file=MEASURES_FILE, entry=entry,
                                     message=f"source_url is not an agency's own page ({host}); {hint}"))
        if _backed(url, domains):
            continue
        if getattr(m, "verified", False) and web:
            out.append(CorpusProblem(file=MEASURES_FILE, entry=entry,
                                     message="verified: true is backed only by secondary sources; "
                                             "confirm on the agency's page or set verified: false"))
        for i, c in enumerate(getattr(m, "criteria", []) or [], start=1):
            if getattr(c, "verified", False):
                out.append(CorpusProblem(file=MEASURES_FILE, entry=entry,
                                         message=f"criteria {i} ({c.label}) is verified: true but the entry has no agency "
                                                 "page as source_url; set it verified: false"))
    return out


def load_corpus(corpus_dir: Path, extra_paths: Sequence[Path] = ()) -> Corpus:
    """Load and validate the corpus directory (plus extra document paths); problems are collected."""
    if not corpus_dir.is_dir():
        raise DeskError(Code.NOT_FOUND, f"コーパスのディレクトリ {corpus_dir} がありません。", "MADOGUCHI_CORPUS_DIR を確認してください。")
    corpus = Corpus()
    measures_path = corpus_dir / MEASURES_FILE
    requirements_path = corpus_dir / REQUIREMENTS_FILE
    if measures_path.exists():
        corpus.measures, problems = validate_measures(measures_path)
        corpus.problems.extend(problems)
    if requirements_path.exists():
        corpus.plan_types, problems = validate_requirements(requirements_path)
        corpus.problems.extend(problems)
    if (corpus_dir / SCOPE_FILE).exists():
        corpus.problems.extend(validate_scope(corpus_dir / SCOPE_FILE)[1])
    if (corpus_dir / INTENTS_FILE).exists():
        corpus.problems.extend(validate_intents(corpus_dir / INTENTS_FILE)[1])
    if (corpus_dir / CLARIFY_FILE).exists():
        corpus.problems.extend(validate_clarify(corpus_dir / CLARIFY_FILE)[1])
    doc_roots = [p for p in (corpus_dir / "policy", corpus_dir / "documents") if p.is_dir()]
    for path in _document_files([*doc_roots, *extra_paths]):
        try:
            corpus.documents.append(load_document(path))
        except DeskError as exc:
            corpus.problems.append(CorpusProblem(file=path.name, message=exc.user_text()))
    corpus.problems.extend(_check_references(corpus))
    if measures_path.exists():
        domains, problems = agency_domains(measures_path)
        corpus.problems.extend(problems)
        corpus.warnings.extend(source_warnings(corpus.measures, domains))
    if (corpus_dir / GLOSSARY_FILE).exists():
        sources = "\n".join(c.text for c in corpus.chunks())
        corpus.problems.extend(validate_glossary(corpus_dir / GLOSSARY_FILE, sources)[1])
    if not corpus.documents and not corpus.measures:
        corpus.problems.append(CorpusProblem(file=str(corpus_dir), message="no documents and no catalog to index"))
    return corpus


def require_valid(corpus: Corpus) -> Corpus:
    """Raise ``DeskError`` listing the problems of an invalid corpus."""
    if corpus.problems:
        lines = "\n".join(str(p) for p in corpus.problems)
        raise DeskError(
            Code.CORPUS_INVALID,
            f"コーパスに {len(corpus.problems)} 件の問題があります（索引は更新しません）:\n{lines}",
            "`madoguchi corpus validate` で確認し、修正してから再実行してください。",
        )
    return corpus
