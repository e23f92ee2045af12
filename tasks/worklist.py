"""The work lists: refreshed as artifacts (one per staff member) and the morning mails."""

from __future__ import annotations

from datetime import date

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_UI_URL

from clm.rules import labels
from clm.services import worklist as service
from clm.services.common import region_config
from clm.services.views import work_list
from clm.storage.db import UnitOfWork
from tasks.artifacts import table_artifact


def ui_url() -> str:
    """The Prefect UI's address, for links in work lists and mails ('' when not set)."""
    return (PREFECT_UI_URL.value() or "").rstrip("/")


@task(name="refresh-work-lists", cache_policy=NO_CACHE)
def refresh_work_lists(as_of: date, mail: bool = False) -> dict[str, int]:
    """Every staff member's work list as its own table artifact (werkvoorraad-<key>), and,
    from the daily sweep, a short morning mail to each one whose list is not empty."""
    cfg = region_config()
    frame = work_list(UnitOfWork(), cfg, as_of, ui_url())
    for member in cfg.staff:
        mine = frame[frame["staff_key"] == member.key].drop(columns="staff_key")
        late = int((mine["state"] == "te laat").sum())
        table_artifact(
            mine if not mine.empty else pd.DataFrame([{"what": "Niets open."}]),
            key=f"werkvoorraad-{member.key}",
            labels=labels.WORK_LIST,
            description=f"Werkvoorraad {member.name} op {as_of:%d-%m-%Y}: {len(mine)} punten"
            + (f", {late} te laat" if late else ""),
        )
    mails = service.send_morning_mails(UnitOfWork(), cfg, frame, as_of) if mail else 0
    return {"work_items": len(frame), "work_list_mails": mails}


@task(name="add-crashed-run-to-work-list", cache_policy=NO_CACHE)
def add_crashed_run(staff_keys: list[str], run: service.CrashedRun, as_of: date) -> int:
    """Put a crashed staff run on the work list of the staff named in its form."""
    return service.add_crashed_run(UnitOfWork(), staff_keys, run, as_of)


@task(name="close-work-item", cache_policy=NO_CACHE)
def close_item(item_id: int, staff_key: str, as_of: date) -> bool:
    """Mark a work item done."""
    return service.close_work_item(UnitOfWork(), item_id, staff_key, as_of)
