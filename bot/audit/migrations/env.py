"""Alembic environment: runs on the connection handed over by ``bot.audit.store.migrate`` (no alembic.ini)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from bot.audit.models import metadata

config = context.config
ADVISORY_LOCK = 0x6D61646F  # "mado": one migrator at a time across PostgreSQL clients


def run(connection: sa.Connection) -> None:
    """Configure the context on ``connection`` and run the pending revisions in its transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        context.run_migrations()


if context.is_offline_mode():  # `alembic upgrade --sql` for a DBA: print the DDL
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        run(given)
    else:  # a developer running the alembic CLI with -x / sqlalchemy.url set
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            run(conn)
        engine.dispose()
