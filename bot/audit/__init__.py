"""The audit trail: answers, feedback and escalations stored (SQLite or PostgreSQL, Alembic migrations),
PII masking before anything is written, the queued writer, and the usage and gap reports.

The doors depend on the ``Audit`` protocol; ``open_audit_log`` builds the real one from settings.
"""

from bot.audit.log import AuditLog, open_audit_log
from bot.audit.protocol import Audit

__all__ = ["Audit", "AuditLog", "open_audit_log"]
