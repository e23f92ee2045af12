"""The read side: the queries that feed what staff read (artifacts, work lists, the morning
mail). They write nothing; their column names are English and ``clm.rules.labels`` holds
the Dutch titles they are published under."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, dutch_date, dutch_month, today_in_region
from clm.rules import labels
from clm.rules.amendments import ChangeKind
from clm.rules.classification import CRITERIA
from clm.rules.config import RegionConfig, Role
from clm.rules.contracts import term_text
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.escalation import STEPS
from clm.rules.quarters import Quarter
from clm.rules.vocabulary import (
    EscalationStatus,
    MeetingStatus,
    MinutesStatus,
    SignalStatus,
    StepStatus,
    WorkItemKind,
    signal_label,
)
from clm.services.amendments import amendment_text
from clm.services.contracts import terms_by_provider
from clm.services.meetings import as_utc, meeting_day
from clm.services.subcontracting import relations
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    ActionItem,
    Amendment,
    AmendmentParty,
    CategoryOverride,
    ClassificationRow,
    Deadline,
    Escalation,
    EscalationStep,
    Meeting,
    Minutes,
    OutboxMessage,
    Provider,
    Signal,
    WorkItem,
)


@dataclass(frozen=True)
class OpenSignal:
    code: str
    name: str
    contract_manager: str
    kind: str
    source: str
    description: str
    since: date


def memberships(lots: Iterable[tuple[int, str | None]]) -> pd.DataFrame:
    """One row (provider_id, care_type) per lot a provider holds, from the stored
    ``Provider.care_types`` ('AMB, VBL'): the peers of the benchmark and the analysis."""
    return pd.DataFrame(
        [(pid, c.strip()) for pid, types in lots for c in (types or "").split(",") if c.strip()],
        columns=["provider_id", "care_type"],
    ).astype({"provider_id": "int64"})


def care_type_memberships(session: Session) -> pd.DataFrame:
    """Every provider's lots as :func:`memberships`."""
    return memberships(session.execute(select(Provider.id, Provider.care_types)).all())


@dataclass(frozen=True)
class WrittenMail:
    """A mail a run wrote, as its receipt names it."""

    subject: str
    to: tuple[str, ...]
    state: str  # Dutch: verzonden, in de wachtrij, geweigerd


_MAIL_STATES = {"sent": "verzonden", "refused": "geweigerd door de mailserver"}


def mails_since(
    uow: UnitOfWork, since: datetime, provider_code: str | None = None
) -> list[WrittenMail]:
    """The mails written since ``since`` (a run's start), of one provider when given, oldest
    first: what a run's receipt says it sent."""
    with uow:
        query = select(OutboxMessage).where(OutboxMessage.created_at >= since)
        if provider_code:
            query = query.join(Provider, Provider.id == OutboxMessage.provider_id).where(
                Provider.code == provider_code
            )
        return [
            WrittenMail(
                m.subject,
                tuple(m.to_addrs) + tuple(m.cc_addrs or ()),
                _MAIL_STATES.get(m.status, "in de wachtrij"),
            )
            for m in uow.session.scalars(query.order_by(OutboxMessage.id))
        ]


def provider_table(uow: UnitOfWork, cfg: RegionConfig) -> pd.DataFrame:
    """Every active provider with what staff look up in a form: AGB code, name, lots, the
    category of the latest classification, contract manager and contact (``labels.PROVIDERS``)."""
    names = {s.key: s.name for s in cfg.staff}
    with uow:
        session = uow.session
        latest = session.scalar(select(func.max(ClassificationRow.year)))
        categories = dict(
            session.execute(
                select(ClassificationRow.provider_id, ClassificationRow.category).where(
                    ClassificationRow.year == latest
                )
            ).all()
        )
        terms = terms_by_provider(session)
        today = today_in_region()
        named = dict(session.execute(select(Provider.id, Provider.name)).all())
        roles: dict[int, list[str]] = {}
        for r in relations(session, today, today).itertuples():
            roles.setdefault(r.sub_id, []).append(f"onderaannemer van {named[r.main_id]} ({r.lot})")
            roles.setdefault(r.main_id, []).append(f"hoofdaannemer van {named[r.sub_id]} ({r.lot})")
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "care_types": ", ".join(c.strip() for c in p.care_types.split(",") if c.strip()),
                "contracts": "; ".join(
                    [term_text(t, today) for t in terms.get(p.id, [])] + roles.get(p.id, [])
                )
                or "niet in het register",
                "category": categories.get(p.id),
                "year": latest,
                "contract_manager": names.get(p.contract_manager, p.contract_manager),
                "contact": f"{p.contact_name} <{p.contact_email}>",
            }
            for p in session.scalars(
                select(Provider).where(Provider.active.is_(True)).order_by(Provider.name)
            )
        ]
    frame = pd.DataFrame(rows, columns=list(labels.PROVIDERS))
    frame["category"] = frame["category"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def open_signals(uow: UnitOfWork, cfg: RegionConfig) -> list[OpenSignal]:
    """Every open signal, per contract manager and provider, oldest first."""
    names = {s.key: s.name for s in cfg.staff}
    with uow:
        rows = uow.session.execute(
            select(Signal, Provider)
            .join(Provider, Provider.id == Signal.provider_id)
            .where(Signal.status == SignalStatus.OPEN)
            .order_by(Provider.contract_manager, Provider.code, Signal.as_of)
        ).all()
        return [
            OpenSignal(
                p.code,
                p.name,
                names.get(p.contract_manager, p.contract_manager),
                signal_label(s.kind),
                s.source,
                s.description,
                s.as_of,
            )
            for s, p in rows
        ]


def classification_table(uow: UnitOfWork, cfg: RegionConfig, year: int) -> pd.DataFrame:
    """The stored classification of ``year``, one row per provider, for artifacts and export."""
    with uow:
        rows = uow.session.execute(
            select(ClassificationRow, Provider.code, Provider.name, CategoryOverride.decided_by)
            .join(Provider, Provider.id == ClassificationRow.provider_id)
            .outerjoin(
                CategoryOverride,
                (CategoryOverride.provider_id == Provider.id) & (CategoryOverride.year == year),
            )
            .where(ClassificationRow.year == year)
            .order_by(Provider.code)
        ).all()
        escalations = _escalation_texts(uow.session)
        frame = pd.DataFrame.from_records([_table_record(cfg, *r) for r in rows])
        if not frame.empty:
            frame["escalation"] = [escalations.get(r[0].provider_id, "") for r in rows]
        return frame


def month_table(uow: UnitOfWork, cfg: RegionConfig, month: date) -> list[dict]:
    """The planned meetings of a month, for the artifact: provider, category, date, who."""
    staff = {s.key: s.name for s in cfg.staff}
    with uow:
        rows = uow.session.execute(
            select(Meeting, Provider.code, Provider.name, ClassificationRow.category)
            .join(Provider, Provider.id == Meeting.provider_id)
            .outerjoin(
                ClassificationRow,
                (ClassificationRow.provider_id == Provider.id)
                & (ClassificationRow.year == Meeting.cycle_year),
            )
            .where(Meeting.meeting_month == month.replace(day=1))
            .order_by(Meeting.starts_at)
        ).all()
        return [
            {
                "code": code,
                "name": name,
                "category": category,
                "starts": f"{as_utc(m.starts_at).astimezone(REGION_TZ):%d-%m-%Y %H:%M}",
                "status": MeetingStatus(m.status).label,
                "location": m.location,
                "contract_manager": staff.get(m.contract_manager, m.contract_manager),
                "attendees": ", ".join(
                    staff.get(k, k)
                    for k in (m.support_officer, m.contract_administration, *m.optional_staff)
                ),
                "data_deadline": m.data_deadline,
                "data_delivered": "ja" if m.data_received_on else "nee",
            }
            for m, code, name, category in rows
        ]


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


def _escalation_texts(session: Session) -> dict[int, str]:
    """Per provider its latest escalation: the step it is on, or when and why it closed."""
    texts: dict[int, str] = {}
    for esc in session.scalars(select(Escalation).order_by(Escalation.opened_on)):
        texts[esc.provider_id] = (
            f"trede {esc.current_step} (open sinds {esc.opened_on:%d-%m-%Y})"
            if esc.status == EscalationStatus.OPEN
            else f"gesloten {esc.closed_on:%d-%m-%Y}: {esc.close_reason}"
        )
    return texts


def _table_record(
    cfg: RegionConfig, row: ClassificationRow, code: str, name: str, decided_by: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": code,
        "name": name,
        "clients": row.clients,
        "municipalities": row.municipalities,
        "revenue": float(row.revenue),
    }
    for key in CRITERIA:
        record[f"points_{key}"] = row.points.get(key)
    record.update(
        {
            "score": float(row.score),
            "computed_category": row.computed_category,
            "category": row.category,
            "meetings_per_year": len(row.meeting_months),
            "months": ", ".join(dutch_month(m) for m in row.meeting_months),
            "overridden_by": decided_by or "",
            "warnings": "; ".join(row.warnings),
        }
    )
    return record


def shared_terms() -> Select:
    """Each meeting with its two weeks for the minutes from the deadlines: (meeting, due,
    the day the minutes were shared or None)."""
    return select(Meeting, Deadline.due_on, Deadline.closed_on).join(
        Deadline,
        (Deadline.subject == Subject.MEETING)
        & (Deadline.subject_id == Meeting.id)
        & (Deadline.kind == DeadlineKind.MINUTES_SHARED),
    )


def timeliness_counts(
    rows: Iterable[tuple[Meeting, date, date | None]],
    start: date,
    end: date,
    as_of: date,
) -> dict[str, int]:
    """Count (meeting, due, shared on) rows: held in [start, end] before ``as_of``, minutes
    shared by the due date of their deadline (two weeks), shared later, or not shared."""
    counts = {"held": 0, "on_time": 0, "late": 0, "not_sent": 0}
    for meeting, due, sent_on in rows:
        day = meeting_day(meeting)
        if meeting.status != MeetingStatus.PLANNED or not start <= day <= end or day >= as_of:
            continue
        counts["held"] += 1
        if sent_on is None:
            counts["not_sent"] += 1
        else:
            counts["on_time" if sent_on <= due else "late"] += 1
    return counts


def minutes_timeliness(
    uow: UnitOfWork, cfg: RegionConfig, start: date, end: date, as_of: date
) -> dict[str, int]:
    """For meetings held in [start, end]: minutes sent within the term, sent late, and not
    sent (yet); the figures the regional analysis reports (seed 004: within two weeks)."""
    with uow:
        rows = uow.session.execute(
            shared_terms().where(Meeting.status == MeetingStatus.PLANNED)
        ).all()
    return timeliness_counts(rows, start, end, as_of)


def amendment_table(uow: UnitOfWork) -> pd.DataFrame:
    """Every amendment, newest first, with the answers counted (``labels.AMENDMENTS``)."""
    with uow:
        session = uow.session
        answers: dict[int, dict[str, int]] = {}
        for amendment_id, response, n in session.execute(
            select(AmendmentParty.amendment_id, AmendmentParty.response, func.count()).group_by(
                AmendmentParty.amendment_id, AmendmentParty.response
            )
        ):
            answers.setdefault(amendment_id, {})[response] = n
        rows = [
            {
                "id": a.id,
                "title": a.title,
                "kind": ChangeKind(a.change_kind).label,
                "status": amendment_text(a).partition(": ")[2],
                "proposed_on": a.proposed_on,
                "reaction_due": a.reaction_due,
                "effective_on": a.effective_on,
                "answers": _answers(answers.get(a.id, {})),
            }
            for a in session.scalars(select(Amendment).order_by(Amendment.id.desc()))
        ]
    return pd.DataFrame(rows, columns=list(labels.AMENDMENTS))


def _answers(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return (
        f"{total} geraadpleegd: {counts.get('agrees', 0)} akkoord, "
        f"{counts.get('objects', 0)} last, {counts.get('pending', 0)} geen reactie"
    )
