"""What the doors need from the audit trail, as a Protocol: they depend on this, not on the store."""

from __future__ import annotations

from typing import Any, Protocol

from bot.events import DeskEvent


class Audit(Protocol):
    """The audit log as the doors see it (``bot.audit.log.AuditLog`` implements it)."""

    def listener(self, event: DeskEvent) -> None:
        """Record an answered request (attached to ``Desk.listeners``)."""

    def record_feedback(
        self, answer_id: str, rating: str, comment: str | None = None, channel: str = "api", rater: str | None = None
    ) -> Any:
        """Store a 👍/👎 for an answer (raises DeskError NOT_FOUND for an unknown id)."""

    def record_escalation(self, answer_id: str, channel: str, target: str, note: str = "") -> Any:
        """Store that an answer was handed to a person."""

    def feedback(self, answer_id: str) -> Any:
        """The feedback stored for an answer."""

    def flush(self, timeout: float = 10.0) -> Any:
        """Write what is queued."""
