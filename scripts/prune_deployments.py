"""Remove the deployments of this product's work pool that prefect.yaml no longer declares.

A renamed deployment (the Dutch names since December 2026 replaced `<flow>/clm`) would
otherwise stay beside the new one, with its old form and schedule. Only deployments on this
product's pool are touched: a shared Prefect server may hold other projects' deployments.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName


def declared(project: Path) -> tuple[str, set[str]]:
    """The pool and the deployment names prefect.yaml declares."""
    spec = yaml.safe_load((project / "prefect.yaml").read_text(encoding="utf-8"))
    pool = spec["definitions"]["work_pool"]["name"]
    return pool, {d["name"] for d in spec["deployments"]}


async def prune(project: Path) -> list[str]:
    pool, names = declared(project)
    removed = []
    async with get_client() as client:
        found = await client.read_deployments(
            work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool]))
        )
        for deployment in found:
            if deployment.name not in names:
                await client.delete_deployment(deployment.id)
                removed.append(deployment.name)
    return removed


if __name__ == "__main__":
    gone = asyncio.run(prune(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
    if gone:
        print(f"Verouderde deployments verwijderd: {len(gone)} ({', '.join(sorted(set(gone)))}).")
