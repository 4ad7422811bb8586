"""How much reading one draft plan may cost: bytes, unpacked bytes, packing ratio, characters, PDF pages."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class PlanLimits:
    """Caps checked while a plan is read (not after); over one, the reader raises ``DeskError`` naming it."""

    max_bytes: int = 10 * MB  # the file as sent
    max_unzipped_bytes: int = 40 * MB  # all parts of a .docx (zip) together, counted while decompressing
    max_zip_ratio: int = 100  # unpacked / packed size of one part (parts over 1 MB unpacked)
    max_chars: int = 100_000  # extracted text (about 60 pages of Japanese; precheck cost grows with it)
    max_pdf_pages: int = 300

    def describe(self) -> str:
        """The caps in one Japanese line (for error hints and docs)."""
        return (
            f"ファイル {self.max_bytes // MB}MB、展開後 {self.max_unzipped_bytes // MB}MB、"
            f"本文 {self.max_chars:,} 文字、PDF {self.max_pdf_pages} ページまで"
        )


DEFAULT_LIMITS = PlanLimits()
