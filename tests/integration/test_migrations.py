"""The Alembic migrations build exactly the schema the models describe (SQLite, PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clm.db import get_engine
from clm.models import Base


def test_migrations_match_the_models(db: str) -> None:
    with get_engine(db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
