"""Value types passed between the retrieval modules and the desk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

SECTION_SEP = " > "


@dataclass(frozen=True)
class Document:
    """A loaded source document: Markdown-like text plus its front-matter metadata."""

    doc_id: str
    title: str
    text: str
    kind: str = "document"
    source_url: str = ""
    as_of: str = ""
    status: str = ""
    path: str = ""


@dataclass(frozen=True)
class Chunk:
    """The unit of retrieval: a bullet or short paragraph group under its heading path."""

    id: str
    doc_id: str
    kind: str  # "policy" | "measure" | "document"
    title: str
    section: str
    text: str  # what is indexed: heading path + body
    body: str  # what is quoted: the body alone
    url: str = ""
    as_of: str = ""
    verified: bool = True
    plan_types: tuple[str, ...] = ()
    agency: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        """Hash of everything that is embedded or stored; decides re-embedding."""
        payload = "\x1f".join([self.text, self.title, self.section, self.url, self.as_of, str(self.verified)])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for the vector store (scalars only)."""
        meta: dict[str, Any] = {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "title": self.title,
            "section": self.section,
            "url": self.url,
            "as_of": self.as_of,
            "verified": self.verified,
            "agency": self.agency,
            "hash": self.content_hash,
        }
        for plan_type in ("strategic_cluster", "regional_cluster", "local_industry"):
            meta[f"pt_{plan_type}"] = plan_type in self.plan_types
        return meta


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score, per-channel ranks (1-based) and raw channel scores."""

    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    raw: dict[str, float] = field(default_factory=dict)  # each channel's own score (BM25, cosine)
