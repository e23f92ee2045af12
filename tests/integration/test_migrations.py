"""The Alembic migrations build exactly the schema the models describe (SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from clm.storage.db import alembic_config, get_engine, migrate
from clm.storage.models import Base


def test_migrations_match_the_models(db: str) -> None:
    with get_engine(db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_declarations_index_migrates_down_and_up(db: str) -> None:
    def indexes() -> set[str]:
        engine = get_engine(db)
        engine.dispose()  # the schema changed under the pool's connections
        return {i["name"] for i in inspect(engine).get_indexes("declarations")}

    command.downgrade(alembic_config(db), "0005")
    assert indexes() == {"ix_declarations_period_provider"}
    migrate(db)
    assert indexes() == {"ix_declarations_period_figures"}


def test_the_escalation_columns_migrate_down_and_up(db: str) -> None:
    def columns() -> set[str]:
        engine = get_engine(db)
        engine.dispose()
        return {c["name"] for c in inspect(engine).get_columns("escalation_steps")}

    command.downgrade(alembic_config(db), "0006")
    assert not {"recovery_days", "skip_reason"} & columns()
    migrate(db)
    assert {"recovery_days", "skip_reason"} <= columns()


def test_the_work_items_migrate_down_and_up(db: str) -> None:
    def tables() -> set[str]:
        engine = get_engine(db)
        engine.dispose()
        return set(inspect(engine).get_table_names())

    def step_columns() -> set[str]:
        return {c["name"] for c in inspect(get_engine(db)).get_columns("escalation_steps")}

    command.downgrade(alembic_config(db), "0008")
    assert "work_items" not in tables() and "approval_run" not in step_columns()
    migrate(db)
    assert "work_items" in tables() and "approval_run" in step_columns()


def test_the_mailbox_tables_migrate_down_and_up(db: str) -> None:
    def shape() -> tuple[set[str], set[str]]:
        engine = get_engine(db)
        engine.dispose()
        inspector = inspect(engine)
        return set(inspector.get_table_names()), {
            c["name"] for c in inspector.get_columns("agenda_points")
        }

    command.downgrade(alembic_config(db), "0011")
    tables, columns = shape()
    assert not {"inbound_mails", "mail_references"} & tables and "status" not in columns
    migrate(db)
    tables, columns = shape()
    assert {"inbound_mails", "mail_references"} <= tables and "status" in columns


def test_the_contract_register_migrates_down_and_up(db: str) -> None:
    def shape() -> tuple[set[str], set[str]]:
        engine = get_engine(db)
        engine.dispose()
        inspector = inspect(engine)
        return set(inspector.get_table_names()), {
            c["name"] for c in inspector.get_columns("escalation_steps")
        }

    command.downgrade(alembic_config(db), "0012")
    tables, columns = shape()
    assert "contracts" not in tables and "ends_on" not in columns
    migrate(db)
    tables, columns = shape()
    assert "contracts" in tables and "ends_on" in columns


@pytest.mark.parametrize(
    ("before", "names"),
    [
        ("0013", {"amendments", "amendment_parties", "contract_terms"}),
        ("0014", {"subcontracts"}),
    ],
)
def test_the_contract_tables_migrate_down_and_up(db: str, before: str, names: set[str]) -> None:
    def tables() -> set[str]:
        engine = get_engine(db)
        engine.dispose()
        return set(inspect(engine).get_table_names())

    command.downgrade(alembic_config(db), before)
    assert not names & tables()
    migrate(db)
    assert names <= tables()


def test_the_sweep_index_migrates_down_and_up(db: str) -> None:
    def indexes() -> set[str]:
        engine = get_engine(db)
        engine.dispose()
        return {i["name"] for i in inspect(engine).get_indexes("deadlines")}

    command.downgrade(alembic_config(db), "0015")
    assert "ix_deadlines_sweep" not in indexes()
    migrate(db)
    assert "ix_deadlines_sweep" in indexes()
