"""Flow tests run under the session's Prefect test harness."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from admin.demo import load_demo
from clm.rules.config import load_config
from clm.settings import PROJECT_DIR
from clm.storage.db import UnitOfWork, get_engine, migrate
from tests.conftest import AS_OF


@pytest.fixture(autouse=True)
def _harness(prefect_harness: None) -> None:
    """Every test in this folder talks to the one temporary Prefect server."""


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo region loaded once for the session (a var folder: database and intake);
    each test gets a copy, as loading it takes longer than many tests themselves."""
    var = tmp_path_factory.mktemp("demo") / "var"
    (var / "intake").mkdir(parents=True)
    url = f"sqlite:///{var / 'clm.db'}"
    migrate(url)
    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    load_demo(lambda: UnitOfWork(url), cfg, AS_OF, var / "intake")
    get_engine(url).dispose()
    with sqlite3.connect(var / "clm.db") as conn:  # everything in the main file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return var


@pytest.fixture
def demo(demo_template: Path, env: Path) -> Path:
    """The demo region in a fresh SQLite database; returns the var folder."""
    shutil.copyfile(demo_template / "clm.db", env / "clm.db")
    shutil.copytree(demo_template / "intake", env / "intake", dirs_exist_ok=True)
    return env


def artifact_markdown(key: str) -> str:
    """The latest markdown of the artifact with this key."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert found, f"no artifact {key}"
    latest = max(found, key=lambda a: a.created)
    return str(latest.data)


def artifact_table(key: str) -> list[dict]:
    """The rows of the latest table artifact with this key."""
    import json

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert found, f"no artifact {key}"
    data = max(found, key=lambda a: a.created).data
    return json.loads(data) if isinstance(data, str) else data
