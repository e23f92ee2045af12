"""The work list (werkvoorraad) per staff member: a read model of what needs their attention,
from the deadlines, the steps awaiting approval, the minutes with comments, the open signals
(grouped per provider and kind) and the work items (a run of theirs that crashed).

It writes nothing but work items and the morning mail; the daily sweep refreshes the lists."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.rules.commands import CrashedRun
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind, WorkItemKind
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    WorkItem,
)
from clm.storage.notify import mail_with_event


def add_item(
    session: Session,
    *,
    key: str,
    staff_key: str,
    kind: WorkItemKind,
    title: str,
    as_of: date,
    detail: str = "",
    link: str = "",
    inbound_id: int | None = None,
) -> bool:
    """Put a point on a staff member's work list in the caller's transaction, once per key
    (False when it was there already); texts are cut to their columns."""
    if session.scalar(select(WorkItem.id).where(WorkItem.key == key)):
        return False
    session.add(
        WorkItem(
            key=key,
            staff_key=staff_key,
            kind=kind,
            title=title[:300],
            detail=detail[:2000],
            link=link[:500],
            created_on=as_of,
            inbound_id=inbound_id,
        )
    )
    return True


def add_crashed_run(uow: UnitOfWork, staff_keys: list[str], run: CrashedRun, as_of: date) -> int:
    """Put a crashed run on the list of each staff member named in its form (once)."""
    with uow:
        added = sum(
            add_item(
                uow.session,
                key=f"crashed:{run.run_id}:{staff_key}",
                staff_key=staff_key,
                kind=WorkItemKind.CRASHED_RUN,
                title=f"Run {run.flow} gecrasht: controleren en opnieuw starten",
                detail=run.detail,
                link=run.link,
                as_of=as_of,
            )
            for staff_key in dict.fromkeys(staff_keys)
        )
        uow.commit()
    return added


def close_work_item(uow: UnitOfWork, item_id: int, staff_key: str, as_of: date) -> bool:
    """Mark a work item done (False when it was done already or is someone else's)."""
    with uow:
        item = uow.session.get(WorkItem, item_id)
        if item is None or item.staff_key != staff_key or item.done_on is not None:
            return False
        item.done_on = as_of
        uow.commit()
        return True


def send_morning_mails(uow: UnitOfWork, cfg: RegionConfig, frame: pd.DataFrame, as_of: date) -> int:
    """A short mail to each staff member whose list is not empty, once a day."""
    sent = 0
    with uow:
        for staff_key, items in frame.groupby("staff_key"):
            member = cfg.staff_by_key[staff_key]
            late = int((items["state"] == "te laat").sum())
            sent += mail_with_event(
                uow.session,
                cfg,
                key=f"worklist:{as_of.isoformat()}:{staff_key}",
                template="work_list",
                context={
                    "member": member,
                    "items": items.to_dict(orient="records"),
                    "late": late,
                    "region": cfg.region,
                    "as_of": as_of,
                },
                to=[member.email],
                subject=f"Werkvoorraad {dutch_date(as_of)}: {len(items)} punt"
                f"{'en' if len(items) != 1 else ''}" + (f", {late} te laat" if late else ""),
                provider_id=None,
                kind=EventKind.WORK_LIST,
                actor="daily-sweep",
                as_of=as_of,
                summary=f"Werkvoorraad aan {member.name}: {len(items)} punten",
            )
        uow.commit()
    return sent
