"""Alembic environment: runs on the connection the caller passes (services.database.migrations)."""

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from services.database.engine import create_sync_engine

MIGRATION_LOCK_ID = 7_060_2025  # PostgreSQL advisory lock: one migrator at a time

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    is_postgres = connection.dialect.name == "postgresql"
    if is_postgres:
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:  # the alembic command line: `alembic -x url=... revision --autogenerate`
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///data/homthuso.db")
    engine = create_sync_engine(url)
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
