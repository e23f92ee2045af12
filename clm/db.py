"""Engines, sessions, the unit of work and migrations.

Engines are made lazily and cached per URL: workers and tests import modules long before they
know which database to use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from clm.settings import get_settings

if TYPE_CHECKING:  # Alembic is imported only when migrating
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL for this process."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
            # In WAL mode NORMAL survives a crashed process; only a power cut can lose the
            # last commits. It makes the outbox's commit-per-message affordable.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class UnitOfWork:
    """A database transaction: commit explicitly, or everything is rolled back on exit."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or get_settings().db_url

    def __enter__(self) -> Self:
        self.session: Session = sessionmaker(get_engine(self.url), expire_on_commit=False)()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Detach first: what was read stays readable after the block (rollback would expire
        # it); anything not committed is still thrown away by the rollback.
        self.session.expunge_all()
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def claim_key(
    session: Session, column: InstrumentedAttribute[str], key: str, known: set[str] | None
) -> bool:
    """True if no row has ``key`` in the unique ``column`` yet (and remember it in ``known``).

    Rows written with an idempotency key (outbox messages, dossier events) check it here;
    a batch passes the ``known`` keys it loaded once with :func:`keys_with_prefix`.
    """
    if known is None:
        return session.scalar(select(column).where(column == key)) is None
    if key in known:
        return False
    known.add(key)
    return True


def keys_with_prefix(session: Session, column: InstrumentedAttribute[str], prefix: str) -> set[str]:
    """Every value of ``column`` that starts with ``prefix``."""
    return set(session.scalars(select(column).where(column.startswith(prefix))))


def alembic_config(url: str | None = None) -> AlembicConfig:
    """The Alembic configuration of the project's migrations for the database at ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().db_url).replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` with the Alembic migrations."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
