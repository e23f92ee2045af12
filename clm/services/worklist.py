"""The work list (werkvoorraad) per staff member: a read model of what needs their attention,
from the deadlines, the steps awaiting approval, the minutes with comments, the open signals
(grouped per provider and kind) and the work items (a run of theirs that crashed).

It writes nothing but work items and the morning mail; the daily sweep refreshes the lists."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from clm.clock import dutch_date
from clm.rules.commands import CrashedRun
from clm.rules.config import RegionConfig, Role
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.escalation import STEPS
from clm.rules.vocabulary import EventKind, MinutesStatus, SignalStatus, StepStatus, signal_label
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    ActionItem,
    Deadline,
    Escalation,
    EscalationStep,
    Meeting,
    Minutes,
    Provider,
    Signal,
    WorkItem,
)
from clm.storage.notify import mail_with_event

# deadlines this close (calendar days) are on the list before they are due
AHEAD_DAYS = 14
COLUMNS = ["staff_key", "kind", "provider", "what", "due", "state", "link"]


def add_crashed_run(uow: UnitOfWork, staff_keys: list[str], run: CrashedRun, as_of: date) -> int:
    """Put a crashed run on the list of each staff member named in its form (once)."""
    added = 0
    with uow:
        for staff_key in dict.fromkeys(staff_keys):
            key = f"crashed:{run.run_id}:{staff_key}"
            if uow.session.scalar(select(WorkItem.id).where(WorkItem.key == key)):
                continue
            uow.session.add(
                WorkItem(
                    key=key,
                    staff_key=staff_key,
                    kind="run-gecrasht",
                    title=f"Run {run.flow} gecrasht: controleren en opnieuw starten",
                    detail=run.detail[:2000],
                    link=run.link[:500],
                    created_on=as_of,
                )
            )
            added += 1
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


def _state(due: date | None, as_of: date) -> str:
    if due is None:
        return "open"
    return "te laat" if due < as_of else "open"


def work_list(uow: UnitOfWork, cfg: RegionConfig, as_of: date, ui_url: str = "") -> pd.DataFrame:
    """Every staff member's open work as one table (COLUMNS), most urgent first."""
    staff = cfg.staff_by_key
    by_email = {s.email.lower(): s.key for s in cfg.staff}
    admins = [s.key for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    managers = [s.key for s in cfg.staff_with_role(Role.CONTRACT_MANAGER)]
    horizon = as_of + timedelta(days=AHEAD_DAYS)
    rows: list[dict] = []

    def add(staff_key: str | None, kind: str, provider: str, what: str, due, link: str = ""):  # noqa: ANN001, ANN202
        if staff_key in staff:
            rows.append(
                {
                    "staff_key": staff_key,
                    "kind": kind,
                    "provider": provider,
                    "what": what,
                    "due": due,
                    "state": _state(due, as_of),
                    "link": link,
                }
            )

    with uow:
        session = uow.session
        names = {
            pid: f"{code} {name}"
            for pid, code, name in session.execute(
                select(Provider.id, Provider.code, Provider.name)
            )
        }
        managers_of = dict(session.execute(select(Provider.id, Provider.contract_manager)).all())
        open_terms = session.scalars(
            select(Deadline).where(
                Deadline.closed_on.is_(None),
                Deadline.due_on <= horizon,
                Deadline.kind.in_(
                    [
                        DeadlineKind.MINUTES_SHARED,
                        DeadlineKind.DATA,
                        DeadlineKind.ACTION,
                        DeadlineKind.REVIEW,
                        DeadlineKind.ADMISSION,
                    ]
                ),
            )
        ).all()
        meetings = {
            m.id: m
            for m in session.scalars(
                select(Meeting).where(
                    Meeting.id.in_(
                        [d.subject_id for d in open_terms if d.subject == Subject.MEETING]
                    )
                )
            )
        }
        actions = {
            a.id: a
            for a in session.scalars(
                select(ActionItem).where(
                    ActionItem.id.in_(
                        [d.subject_id for d in open_terms if d.subject == Subject.ACTION]
                    )
                )
            )
        }
        for d in open_terms:
            provider = names.get(d.provider_id, "")
            if d.kind == DeadlineKind.MINUTES_SHARED:
                m = meetings.get(d.subject_id)
                if m is not None and d.lapsed_on is None and meeting_day(m) <= as_of:
                    add(
                        d.owner,
                        "verslag delen",
                        provider,
                        "Verslag schrijven en naar de aanbieder sturen",
                        d.due_on,
                    )
            elif d.kind == DeadlineKind.DATA and d.reminded_on is not None:
                m = meetings.get(d.subject_id)
                add(
                    m.contract_manager if m else None,
                    "gegevens",
                    provider,
                    f"Gegevens {m.quarter if m else ''} niet aangeleverd; herinnerd op "
                    f"{dutch_date(d.reminded_on)}",
                    d.due_on,
                )
            elif d.kind == DeadlineKind.ACTION:
                a = actions.get(d.subject_id)
                if a is None:
                    continue
                if a.owner_side == "region":
                    add(
                        by_email.get(a.owner_email.lower()),
                        "actiepunt",
                        provider,
                        a.description,
                        d.due_on,
                    )
                elif d.due_on < as_of:
                    add(
                        managers_of.get(d.provider_id),
                        "actiepunt aanbieder",
                        provider,
                        f"Actiepunt van de aanbieder over de deadline: {a.description}",
                        d.due_on,
                    )
            elif d.kind == DeadlineKind.REVIEW:
                add(
                    d.owner, "verbeterplan", provider, "Verbeterplan beoordelen (trede 2)", d.due_on
                )
            elif d.kind == DeadlineKind.ADMISSION:
                for key in admins:
                    add(
                        key,
                        "aanmelding",
                        provider,
                        "Besluit over de aanmelding voor toetreding",
                        d.due_on,
                    )
        # reactions with comments: the support officer revises, the contract manager knows
        for meeting, provider_id in session.execute(
            select(Meeting, Meeting.provider_id)
            .join(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Minutes.status == MinutesStatus.SENT, Minutes.open_comments.is_(True))
        ):
            add(
                meeting.support_officer,
                "reactie verwerken",
                names.get(provider_id, ""),
                "De aanbieder reageerde met opmerkingen: verslag herzien en opnieuw versturen",
                None,
            )
        # approvals waiting: every contract manager but the requester may decide
        for step, provider_id in session.execute(
            select(EscalationStep, Escalation.provider_id)
            .join(Escalation, Escalation.id == EscalationStep.escalation_id)
            .where(EscalationStep.status == StepStatus.AWAITING_APPROVAL)
        ):
            link = (
                f"{ui_url}/runs/flow-run/{step.approval_run}"
                if ui_url and step.approval_run
                else ""
            )
            asker = staff[step.requested_by].name if step.requested_by in staff else ""
            for key in managers:
                if key != step.requested_by:
                    add(
                        key,
                        "goedkeuring",
                        names.get(provider_id, ""),
                        f"Trede {step.step} ({STEPS[step.step].name}) goedkeuren of afwijzen; "
                        f"gevraagd door {asker or step.requested_by}",
                        step.requested_on,
                        link,
                    )
        # open signals, grouped per provider and kind
        for provider_id, kind, count, first in session.execute(
            select(Signal.provider_id, Signal.kind, func.count(), func.min(Signal.as_of))
            .where(Signal.status == SignalStatus.OPEN)
            .group_by(Signal.provider_id, Signal.kind)
        ):
            add(
                managers_of.get(provider_id),
                "signalen",
                names.get(provider_id, ""),
                f"{count} open signa{'al' if count == 1 else 'len'} {signal_label(kind)} "
                f"(sinds {dutch_date(first)})",
                None,
            )
        for item in session.scalars(select(WorkItem).where(WorkItem.done_on.is_(None))):
            add(
                item.staff_key,
                item.kind.replace("-", " "),
                "",
                f"{item.title} (werkpunt {item.id})",
                item.created_on,
                item.link,
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["_order"] = frame["due"].map(lambda d: d or date.max)
    return (
        frame.sort_values(["staff_key", "_order", "kind"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


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
