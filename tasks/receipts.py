"""The receipt every staff-started run ends with: what was saved, what was sent and to whom,
what happens next."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from clm.clock import REGION_TZ
from clm.documents.rendering import render
from clm.services.views import mails_since
from clm.storage.db import UnitOfWork

MAX_LISTED = 20  # a run that writes hundreds of mails lists the first ones and counts the rest


@task(name="publish-receipt", cache_policy=NO_CACHE)
def publish_receipt(
    deployment: str,
    title: str,
    saved: list[str],
    next_steps: list[str],
    since: datetime,
    provider_code: str | None = None,
    who: str = "",
) -> str:
    """The receipt as a markdown artifact ``bevestiging-<deployment>``, on the run's page;
    the mails are those written since the run started (of its provider, when it has one)."""
    mails = mails_since(UnitOfWork(), since, provider_code)
    markdown = render(
        "artifacts/receipt.md.j2",
        title=title,
        moment=f"{since.astimezone(REGION_TZ):%d-%m-%Y %H:%M}",
        who=who,
        saved=saved,
        mails=mails[:MAX_LISTED],
        more=max(0, len(mails) - MAX_LISTED),
        next_steps=next_steps,
    )
    create_markdown_artifact(
        markdown=markdown, key=f"bevestiging-{deployment}", description=f"Bevestiging: {title}"
    )
    return markdown
