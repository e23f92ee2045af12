"""Engines, sessions, the unit of work and migrations.

Engines are made lazily and cached per URL: workers and tests import modules long before they
know which database to use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Engine, Numeric, Table, create_engine, event, insert, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from clm.errors import InputProblem, InvalidInput
from clm.settings import get_settings

if TYPE_CHECKING:  # Alembic is imported only when migrating
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


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


@event.listens_for(Session, "before_flush")
def _within_schema_limits(session: Session, _context: object, _instances: object) -> None:
    """Refuse, before anything is written, a value the schema cannot hold: text longer than
    its column, a NUL byte, a number beyond its column's precision. PostgreSQL refuses
    these with a raw DataError and SQLite stores them; both now refuse them alike, naming
    the table and column. (Readers check their own limits first, naming file and row.)"""
    _refuse_beyond_limits(
        (obj.__table__, lambda key, obj=obj: getattr(obj, key, None))
        for obj in [*session.new, *session.dirty]
    )


def _refuse_beyond_limits(rows: Iterable[tuple[Table, Callable[[str], object]]]) -> None:
    """Raise :class:`InvalidInput` naming every value of ``rows`` (each its table and how to
    read a column's value) that its column cannot hold."""
    problems = [problem for table, value_of in rows for problem in _limit_problems(table, value_of)]
    if problems:
        raise InvalidInput(problems, "Waarde past niet in de database, er is niets opgeslagen")


def _limit_problems(table: Table, value_of: Callable[[str], object]) -> list[InputProblem]:
    problems: list[InputProblem] = []
    for key, where, length, digits in _limits(table):
        value = value_of(key)
        if isinstance(value, str):
            if length is not None and len(value) > length:
                problems.append(
                    InputProblem(where, f"tekst van {len(value)} tekens; hoogstens {length}")
                )
            if "\x00" in value:
                problems.append(InputProblem(where, "bevat een NUL-teken"))
        elif (
            digits is not None
            and isinstance(value, Decimal | float | int)
            and abs(value) >= 10**digits
        ):
            problems.append(InputProblem(where, f"getal {value} te groot voor deze kolom"))
    return problems


@lru_cache(maxsize=256)
def _limits(table: Table) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """Per column of ``table``: its key, its name for a message, the longest text it holds
    and the digits before the decimal point of a Numeric (each None where there is none);
    worked out once per table, as every flush asks it of every new or changed row."""
    limits = []
    for column in table.columns:
        numeric = type(column.type) is Numeric and column.type.precision is not None
        limits.append(
            (
                column.key,
                f"{table.name}.{column.name}",
                getattr(column.type, "length", None),
                column.type.precision - (column.type.scale or 0) if numeric else None,
            )
        )
    return tuple(limits)


_BULK_ROWS = "clm.bulk_rows"


def add_row(session: Session, model: type, values: dict[str, Any]) -> None:
    """A new row of ``model``: inside :func:`bulk_rows`, kept and inserted with the others at
    its end; otherwise added to the session as an object."""
    pending = session.info.get(_BULK_ROWS)
    if pending is None:
        session.add(model(**values))
    else:
        pending.setdefault(model, []).append(values)


@contextmanager
def bulk_rows(session: Session) -> Iterator[None]:
    """Rows added with :func:`add_row` inside are inserted at the end, one statement per
    table (in the order the tables were first used), checked against the schema's limits
    as every flush is. A sweep that writes thousands of mails with their dossier events
    spent half its time in the ORM's flush, a row at a time. Nothing inside may read these
    rows back: like objects under ``no_autoflush``, they are not in the database yet."""
    session.info[_BULK_ROWS] = pending = {}
    try:
        yield
        _refuse_beyond_limits(
            (model.__table__, row.get) for model, rows in pending.items() for row in rows
        )
        for model, rows in pending.items():
            session.execute(insert(model), rows)
    finally:
        session.info.pop(_BULK_ROWS, None)


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


def serialise(session: Session, name: str) -> None:
    """Hold the lock ``name`` until the session's transaction ends, so that two runs doing
    the same replacement (say, two imports of a month's declarations) take turns.

    PostgreSQL: a transaction-level advisory lock. SQLite: the database's one write lock,
    taken now (a write that changes nothing) instead of at the first real write, so the
    second run waits before it reads what it will replace.
    """
    if session.get_bind().dialect.name == "postgresql":
        lock_id = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
    else:
        session.execute(text("DELETE FROM alembic_version WHERE 0 = 1"))


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
