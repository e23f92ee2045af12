"""Flow tests run under the session's Prefect test harness."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.demo import load_demo
from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from tests.conftest import AS_OF


@pytest.fixture(autouse=True)
def _harness(prefect_harness: None) -> None:
    """Every test in this folder talks to the one temporary Prefect server."""


@pytest.fixture
def demo(sqlite_db: str, cfg: RegionConfig, env: Path) -> Path:
    """The demo region in a fresh SQLite database; returns the var folder."""
    load_demo(UnitOfWork, cfg, AS_OF, env / "intake")
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
