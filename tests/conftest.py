"""Shared fixtures: settings in a temp folder, fresh databases, the region config, one
Prefect test harness for the session."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, func, select, text

from clm.rules.config import RegionConfig, load_config
from clm.settings import PROJECT_DIR, get_settings
from clm.storage.db import UnitOfWork, migrate
from tests.imap import imap_server  # noqa: F401  (a fixture for every test folder)
from tests.smtp import smtp_server  # noqa: F401  (a fixture for every test folder)

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

PG_ADMIN_URL = os.environ.get(
    "CLM_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AS_OF = date(2026, 11, 23)  # a fixed "today" for every test that does not choose its own


# One id for the whole run, the same in every xdist worker: what is made once per run (the
# migrated templates, the demo snapshots) is named by it and found by every worker.
_RUN_UID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
RUN_ID = _RUN_UID[:10]
SHARED_PREFIX = f"clm_run_{RUN_ID}"


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run sees (pytest's base temp folder is per worker under
    xdist; its parent is the run's)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def made_once(folder: Path, name: str) -> Iterator[bool]:
    """Hold the run-wide lock ``name``; yields whether the thing still has to be made (the
    first worker makes it, the others wait and find it made)."""
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / f"{name}.done"
        yield not done.exists()
        done.touch()


def pg_url(database: str) -> str:
    """The URL of ``database`` on the test PostgreSQL server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"


@contextmanager
def pg_admin() -> Iterator[Connection]:
    """A connection to the server's maintenance database outside any transaction (CREATE and
    DROP DATABASE need that); its engine disposed afterwards."""
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    # the run's shared databases, dropped once by the process that ran the workers
    if hasattr(session.config, "workerinput") or _postgres_reachable():
        return
    with pg_admin() as conn:
        names = conn.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
            {"p": f"{SHARED_PREFIX}%"},
        ).all()
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", "") is None:
        config.option.testrunuid = _RUN_UID  # the workers' id is the one this process drops
    # flows.common.UNSET is left out of a form's schema on purpose; pydantic says so each time
    config.addinivalue_line(
        "filterwarnings", "ignore:Default value <leeg> is not JSON serializable"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The end-to-end tests first: they are the longest files and mostly wait for a system, so
    # with parallel workers (make test: -n, by file) they start while the rest runs beside them.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


@pytest.fixture
def cfg() -> RegionConfig:
    return load_config(PROJECT_DIR / "config" / "region.yaml")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings pointing at a fresh temp folder (SQLite, outbox, intake); returns that folder."""
    var = tmp_path / "var"
    monkeypatch.setenv("CLM_VAR_DIR", str(var))
    monkeypatch.delenv("CLM_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLM_MAIL_TRANSPORT", "file")
    get_settings.cache_clear()
    (var / "intake").mkdir(parents=True)
    yield var
    get_settings.cache_clear()


def _postgres_reachable() -> str | None:
    try:
        with pg_admin() as conn:
            conn.execute(text("select 1"))
        return None
    except Exception as exc:  # any failure means: not here
        return f"PostgreSQL niet bereikbaar op {PG_ADMIN_URL}: {type(exc).__name__}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
    name = f"clm_test_{uuid.uuid4().hex[:10]}"
    with pg_admin() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_url(name)
    from clm.storage.db import get_engine

    get_engine.cache_clear()
    with pg_admin() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(shared_folder: Path) -> Path:
    """One SQLite database migrated to head for the whole run: a test gets a copy, as
    running the migrations takes longer than most tests themselves."""
    path = shared_folder / "template-clm.db"
    with made_once(shared_folder, "sqlite-template") as first:
        if first:
            url = f"sqlite:///{path}"
            migrate(url)
            from clm.storage.db import get_engine

            get_engine(url).dispose()
            with sqlite3.connect(path) as conn:  # everything in the main file, nothing in the WAL
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_database: str, shared_folder: Path) -> str:
    """A PostgreSQL database migrated to head for the whole run, the template of each test's
    database (CREATE DATABASE … TEMPLATE copies it in a fraction of a migration's time);
    dropped at the end of the run (pytest_sessionfinish)."""
    name = f"{SHARED_PREFIX}_template"
    with made_once(shared_folder, "pg-template") as first:
        if first:
            with pg_admin() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = pg_url(name)
            migrate(url)
            from clm.storage.db import get_engine

            get_engine(url).dispose()  # a template must have no connections
            get_engine.cache_clear()
    return name


def _use_postgres(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, migrated: bool
) -> None:
    """Point the settings at the session's PostgreSQL database, made afresh: a copy of the
    migrated template, or empty."""
    monkeypatch.setenv("CLM_DATABASE_URL", fresh_postgres(request, migrated))
    get_settings.cache_clear()


def fresh_postgres(
    request: pytest.FixtureRequest, migrated: bool = True, template: str | None = None
) -> str:
    """The session's PostgreSQL database made afresh (a copy of ``template``, by default the
    migrated one, or empty); its URL."""
    url = request.getfixturevalue("pg_database")
    name = url.rsplit("/", 1)[-1]
    from clm.storage.db import get_engine

    get_engine.cache_clear()  # its connections are ended by the DROP … WITH (FORCE)
    template = template or (request.getfixturevalue("pg_template") if migrated else None)
    template = f' TEMPLATE "{template}"' if template else ""
    with pg_admin() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
    return url


def _copy_sqlite(request: pytest.FixtureRequest, env: Path) -> None:
    shutil.copyfile(request.getfixturevalue("sqlite_template"), env / "clm.db")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, env: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, empty database: SQLite in the temp folder, and PostgreSQL when reachable."""
    if request.param == "postgresql":
        _use_postgres(request, monkeypatch, migrated=True)
    else:
        _copy_sqlite(request, env)
    return get_settings().db_url


@pytest.fixture
def pg_db(request: pytest.FixtureRequest, env: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, empty PostgreSQL database (skipped with the reason when not reachable)."""
    _use_postgres(request, monkeypatch, migrated=True)
    return get_settings().db_url


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, env: Path) -> str:
    """A migrated, empty SQLite database in the temp folder."""
    _copy_sqlite(request, env)
    return get_settings().db_url


class Snapshots:
    """States of the demo region made once per run and database kind (by the first worker
    that needs one; the others wait for it and find it made), copied into each
    test that starts from them (making one takes seconds; a copy a fraction of one):
    'demo' is the demo region loaded, 'april' also classified for next year with its April
    meetings planned on 1 March (tests.helpers.april_planned), 'samples' one document of each
    kind (admin.samples)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[tuple[str, str], tuple[str, Path, object]] = {}

    def get(self, request: pytest.FixtureRequest, kind: str, name: str) -> tuple[str, Path, object]:
        """(the SQLite file or PostgreSQL template database, its intake folder, what the
        making returned), made on first use."""
        if (kind, name) not in self.made:
            with made_once(self.folder, f"{kind}-{name}") as first:
                saved = self.folder / f"{kind}-{name}.pickle"
                if first:
                    saved.write_bytes(pickle.dumps(self._make(request, kind, name)))
                self.made[kind, name] = pickle.loads(saved.read_bytes())
        return self.made[kind, name]

    def _make(
        self, request: pytest.FixtureRequest, kind: str, name: str
    ) -> tuple[str, Path, object]:
        from clm.storage.db import get_engine

        var = self.folder / f"{kind}-{name}"
        (var / "intake").mkdir(parents=True)
        if kind == "postgresql":
            template = request.getfixturevalue("pg_template")
            database = f"{SHARED_PREFIX}_{name}"  # dropped by pytest_sessionfinish
            with pg_admin() as conn:
                conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
            url = pg_url(database)
            where = database
        else:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), var / "clm.db")
            url = where = f"sqlite:///{var / 'clm.db'}"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CLM_VAR_DIR", str(var))
            patch.setenv("CLM_DATABASE_URL", url)
            patch.setenv("CLM_MAIL_TRANSPORT", "file")
            get_settings.cache_clear()
            try:
                made = _SNAPSHOTS[name](load_config(PROJECT_DIR / "config" / "region.yaml"), var)
            finally:
                get_settings.cache_clear()
        get_engine(url).dispose()  # a template has no connections; a copy, nothing in a WAL
        get_engine.cache_clear()
        if kind == "sqlite":
            with sqlite3.connect(var / "clm.db") as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            where = str(var / "clm.db")
        return where, var / "intake", made


def _demo_loaded(cfg: RegionConfig, var: Path) -> None:
    from admin.demo import load_demo

    load_demo(UnitOfWork, cfg, AS_OF, var / "intake")


def _april_planned(cfg: RegionConfig, var: Path) -> tuple[str, date]:
    from tests.helpers import april_planned

    return april_planned(cfg, var / "intake")


def _samples(cfg: RegionConfig, var: Path) -> object:
    from admin.samples import make_samples

    return make_samples(get_settings().db_url, cfg, var)


_SNAPSHOTS = {"demo": _demo_loaded, "april": _april_planned, "samples": _samples}


@pytest.fixture(scope="session")
def snapshots(shared_folder: Path) -> Snapshots:
    folder = shared_folder / "snapshots"
    folder.mkdir(exist_ok=True)
    return Snapshots(folder)


def _restore(
    request: pytest.FixtureRequest, env: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> object:
    """This test's database and intake folder as the snapshot ``name`` left them."""
    kind = request.param
    where, intake, made = request.getfixturevalue("snapshots").get(request, kind, name)
    if kind == "postgresql":
        monkeypatch.setenv("CLM_DATABASE_URL", fresh_postgres(request, template=where))
    else:
        shutil.copyfile(where, env / "clm.db")
    shutil.copytree(intake, env / "intake", dirs_exist_ok=True)
    get_settings.cache_clear()
    return made


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(request: pytest.FixtureRequest, env: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo region loaded (admin.demo.load_demo as of AS_OF), on SQLite and PostgreSQL."""
    _restore(request, env, monkeypatch, "demo")
    return get_settings().db_url


@pytest.fixture(params=["sqlite", "postgresql"])
def april_db(
    request: pytest.FixtureRequest, env: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, date]:
    """The demo region classified and its April meetings planned on 1 March, on SQLite and
    PostgreSQL: (the code of the provider meeting first, its meeting day)."""
    return _restore(request, env, monkeypatch, "april")  # type: ignore[return-value]


def count(model: type, url: str | None = None) -> int:
    """Rows in the table of ``model``."""
    with UnitOfWork(url) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def table_counts(url: str | None = None) -> dict[str, int]:
    """Row counts of every domain table: 'nothing written' means these did not change."""
    from clm.storage.models import Base

    with UnitOfWork(url) as uow:
        return {
            t.name: uow.session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="session")
def prefect_template(shared_folder: Path) -> Path:
    """Prefect's own database (SQLite) migrated to head, once for the whole run: a Prefect
    server started on a copy of it finds nothing to migrate (a first start migrates for
    about ten seconds of a core; the harness of each worker and the end-to-end systems that
    do not test a first start of `make up` begin from a copy)."""
    import subprocess

    path = shared_folder / "template-prefect.db"
    with made_once(shared_folder, "prefect-template") as first:
        if first:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            env |= {
                "PREFECT_HOME": str(shared_folder / "prefect-template-home"),
                "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{path}",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            done = subprocess.run(
                [
                    str(PROJECT_DIR / ".venv" / "bin" / "prefect"),
                    "server",
                    "database",
                    "upgrade",
                    "-y",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            with sqlite3.connect(path) as conn:  # everything in the main file, nothing in the WAL
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def prefect_harness(prefect_template: Path) -> Iterator[None]:
    """One temporary Prefect server for all flow tests of the session (of this worker),
    started on a copy of the run's migrated Prefect database."""
    import prefect.testing.utilities as harness

    made = harness.mkdtemp

    def folder_with_database(*args: object, **kwargs: object) -> str:
        # the harness names its database prefect-test.db in the folder it makes here
        folder = made(*args, **kwargs)
        shutil.copyfile(prefect_template, Path(folder) / "prefect-test.db")
        return folder

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(harness, "mkdtemp", folder_with_database)
        with harness.prefect_test_harness(server_startup_timeout=180):
            patch.undo()
            yield
