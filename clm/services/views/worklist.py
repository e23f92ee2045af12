"""The work list: what is due for staff, soonest first, with the link that acts on it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select

from clm.clock import dutch_date
from clm.rules.config import RegionConfig, Role
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.escalation import STEPS
from clm.rules.quarters import Quarter
from clm.rules.vocabulary import MinutesStatus, SignalStatus, StepStatus, WorkItemKind, signal_label
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

# deadlines this close (calendar days) are on the list before they are due
AHEAD_DAYS = 14


COLUMNS = ["staff_key", "kind", "provider", "what", "due", "state", "link"]


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
                        DeadlineKind.DIRECTOR_TALK,
                        DeadlineKind.OPTION_DECISION,
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
                    f"Gegevens {Quarter.parse(m.quarter).label if m else ''} niet aangeleverd; "
                    f"herinnerd op {dutch_date(d.reminded_on)}",
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
            elif d.kind == DeadlineKind.DIRECTOR_TALK:
                add(
                    d.owner,
                    "directiegesprek",
                    provider,
                    "Gesprek op directieniveau over het bezwaar voeren en de uitkomst vastleggen",
                    d.due_on,
                )
            elif d.kind == DeadlineKind.OPTION_DECISION:
                add(
                    d.owner or managers_of.get(d.provider_id),
                    "optiejaar",
                    provider,
                    "Besluiten over het volgende optiejaar (besluit-optiejaar)",
                    d.due_on,
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
                WorkItemKind(item.kind).label,
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
