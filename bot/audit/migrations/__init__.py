"""Alembic migrations of the audit log, run in code by ``bot.audit.store.migrate``."""
