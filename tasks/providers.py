"""The provider table staff look codes up in: one artifact, kept current."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.rules import labels
from clm.services.common import region_config
from clm.services.views import amendment_table, provider_table
from clm.storage.db import UnitOfWork
from tasks.artifacts import table_artifact

PROVIDER_TABLE_KEY = "aanbieders"


@task(name="publish-provider-table", cache_policy=NO_CACHE)
def publish_provider_table() -> int:
    """Every active provider with AGB code, name, lots, category and contract manager, as the
    artifact 'aanbieders' (the forms' AGB-code fields point to it). Returns how many."""
    frame = provider_table(UnitOfWork(), region_config())
    table_artifact(
        frame,
        key=PROVIDER_TABLE_KEY,
        labels=labels.PROVIDERS,
        description=f"Alle aanbieders ({len(frame)}): AGB-code, naam, zorgvormen, contracten, "
        "categorie en contractmanager",
    )
    return len(frame)


AMENDMENT_TABLE_KEY = "wijzigingen"


@task(name="publish-amendment-table", cache_policy=NO_CACHE)
def publish_amendment_table() -> int:
    """Every amendment with its number, status, dates and answers, as the artifact
    'wijzigingen' (the forms' number fields point to it). Returns how many."""
    frame = amendment_table(UnitOfWork())
    table_artifact(
        frame,
        key=AMENDMENT_TABLE_KEY,
        labels=labels.AMENDMENTS,
        description=f"Wijzigingsvoorstellen ({len(frame)}): nummer, titel, status, "
        "reactietermijn, ingangsdatum en reacties",
    )
    return len(frame)
