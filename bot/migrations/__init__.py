"""Alembic migrations of the audit log, run in code by ``bot.log_store.migrate``."""
