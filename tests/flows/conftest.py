"""Flow tests run under the session's Prefect test harness."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Snapshots


@pytest.fixture(autouse=True)
def _harness(prefect_harness: None) -> None:
    """Every test in this folder talks to the one temporary Prefect server."""


@pytest.fixture
def demo(request: pytest.FixtureRequest, snapshots: Snapshots, env: Path) -> Path:
    """The demo region in a fresh SQLite database (the session's snapshot 'demo', loaded
    once); returns the var folder."""
    database, intake, _ = snapshots.get(request, "sqlite", "demo")
    shutil.copyfile(database, env / "clm.db")
    shutil.copytree(intake, env / "intake", dirs_exist_ok=True)
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
