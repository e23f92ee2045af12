"""Use cases of the quarterly meeting cycle: plan a month, send the data request with the
draft agenda and the invite; the rest of the cycle builds on the rows written here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, as_utc
from clm.documents.agenda_docx import agenda_docx
from clm.documents.datasheet import data_sheet_template
from clm.documents.ics import meeting_invite, meeting_uid
from clm.rules.agenda import figures_number
from clm.rules.calendar import add_working_days, working_days_before
from clm.rules.config import ROLE_LABELS, RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.inputs import visible
from clm.rules.meetings import (
    Agenda,
    cycle_year,
    optional_roles,
    plan_slots,
    previous_quarter,
    quarter_discussed,
    quarter_label,
)
from clm.rules.minutes import minutes_due
from clm.rules.quarters import Quarter
from clm.rules.vocabulary import ActionStatus, EventKind, MeetingStatus, PointStatus, SignalStatus
from clm.services.amendments import terms_in_force
from clm.services.deadlines import set_deadline
from clm.services.subcontracting import subcontractors_of
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import (
    ActionItem,
    AgendaPoint,
    ClassificationRow,
    GroupMeeting,
    Meeting,
    Provider,
    Signal,
)
from clm.storage.notify import KnownKeys, ReplyTo, mail_with_event

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def meeting_day(meeting: Meeting | GroupMeeting) -> date:
    """The date of a meeting as the region sees it (Europe/Amsterdam)."""
    return as_utc(meeting.starts_at).astimezone(REGION_TZ).date()


def set_meeting_deadlines(session: Session, cfg: RegionConfig, meeting: Meeting) -> None:
    """The meeting's terms as deadlines: the provider's data, and the minutes shared within
    two weeks of the meeting (the support officer's). Moving the meeting moves the second."""
    set_deadline(
        session,
        DeadlineKind.DATA,
        Subject.MEETING,
        meeting.id,
        meeting.data_deadline,
        provider_id=meeting.provider_id,
        owner="provider",
    )
    set_deadline(
        session,
        DeadlineKind.MINUTES_SHARED,
        Subject.MEETING,
        meeting.id,
        minutes_due(meeting_day(meeting), cfg.minutes),
        provider_id=meeting.provider_id,
        owner=meeting.support_officer,
    )


@dataclass
class PreparationSummary:
    """What the preparation of a meeting month did."""

    month: str
    planned: int = 0
    already_planned: int = 0
    unplanned: list[str] = field(default_factory=list)
    messages: int = 0
    set_aside: list[str] = field(default_factory=list)  # failed on their own data; the rest went on


def prepare_month(
    uow: UnitOfWork,
    cfg: RegionConfig,
    month: date,
    as_of: date,
    provider_code: str | None = None,
) -> PreparationSummary:
    """Plan a meeting for every provider whose category meets in ``month`` and send each the
    data request with the draft agenda, the data sheet and the invite.

    Each provider's meeting and mail are committed together, on their own: a provider whose
    data breaks its documents is set aside with the reason (``set_aside``) and the others are
    planned. Providers that already have a meeting that month are left as they are, so a
    rerun plans and sends nothing new (and tries the set-aside ones again).
    """
    assert cfg.meetings is not None, "regioconfiguratie mist 'meetings'"
    month = month.replace(day=1)
    summary = PreparationSummary(month=f"{month:%Y-%m}")
    with uow:
        session = uow.session
        candidates = [
            provider
            for provider, months in session.execute(
                select(Provider, ClassificationRow.meeting_months)
                .join(ClassificationRow, ClassificationRow.provider_id == Provider.id)
                .where(ClassificationRow.year == cycle_year(month), Provider.active)
                .order_by(Provider.contract_manager, Provider.code)
            ).all()
            if month.month in months and provider_code in (None, provider.code)
        ]
        existing = {
            m.provider_id: m
            for m in session.scalars(select(Meeting).where(Meeting.meeting_month == month))
        }
        taken = Agenda()
        names = [loc.name for loc in cfg.meetings.locations]
        for m in existing.values():
            if m.status == MeetingStatus.PLANNED:
                place = f"loc:{names.index(m.location)}" if m.location in names else m.location
                taken.take(
                    as_utc(m.starts_at),
                    m.contract_manager,
                    m.support_officer,
                    m.contract_administration,
                    place,
                )
        staff_keys = {s.key for s in cfg.staff}
        new = [p for p in candidates if p.id not in existing]
        summary.already_planned = len(candidates) - len(new)
        summary.unplanned += [
            f"{p.code} {p.name}: contractmanager '{p.contract_manager}' onbekend"
            for p in new
            if p.contract_manager not in staff_keys
        ]
        new = [p for p in new if p.contract_manager in staff_keys]
        bookings, unplanned = plan_slots(
            [(p.id, p.contract_manager) for p in new], month, cfg, taken
        )
        by_id = {p.id: p for p in new}
        summary.unplanned += [
            f"{by_id[i].code} {by_id[i].name}: geen vrij tijdslot" for i in unplanned
        ]
        prefix = f"meeting:{month:%Y-%m}:"
        known = KnownKeys.load(session, prefix)
        optional = [s.key for role in optional_roles(month) for s in cfg.staff_with_role(role)]
        for booking in bookings:
            provider = by_id[booking.provider_id]
            start = booking.slot.starts_at
            location = cfg.meetings.locations[booking.location]
            meeting = Meeting(
                provider_id=provider.id,
                meeting_month=month,
                cycle_year=cycle_year(month),
                quarter=quarter_discussed(month),
                uid=meeting_uid(provider.code, f"{month:%Y-%m}", cfg),
                sequence=0,
                status=MeetingStatus.PLANNED,
                starts_at=start.astimezone(UTC),
                ends_at=booking.slot.ends_at.astimezone(UTC),
                location=location.name,
                location_url=location.url,
                contract_manager=booking.contract_manager,
                support_officer=booking.support_officer,
                contract_administration=booking.contract_administration,
                optional_staff=optional,
                data_deadline=max(
                    working_days_before(
                        start.date(), cfg.meetings.data_deadline_working_days, cfg.calendar
                    ),
                    add_working_days(as_of, 2, cfg.calendar),  # never a term already gone
                ),
                final_agenda_due=working_days_before(
                    start.date(), cfg.meetings.final_agenda_working_days, cfg.calendar
                ),
                planned_on=as_of,
            )
            label = f"{provider.code} {provider.name}"
            try:
                session.add(meeting)
                session.flush()
                set_meeting_deadlines(session, cfg, meeting)
                sent = _send_data_request(session, cfg, meeting, provider, as_of, known)
                uow.commit()
            except Exception as exc:  # noqa: BLE001 - one provider never stops the month
                uow.rollback()
                known = KnownKeys.load(session, prefix)  # the rolled-back keys are free again
                if session.scalar(
                    select(Meeting.id).where(
                        Meeting.provider_id == provider.id, Meeting.meeting_month == month
                    )
                ):
                    # a run at the same moment (a rerun racing the first) planned it: done
                    summary.already_planned += 1
                    continue
                summary.set_aside.append(visible(f"{label}: {type(exc).__name__}: {exc}")[:500])
                continue
            summary.messages += int(sent)
            summary.planned += 1
    return summary


def meeting_context(
    session: Session, cfg: RegionConfig, meeting: Meeting, provider: Provider, final: bool
) -> dict:
    """Everything the agenda templates show about one meeting."""
    cfg = terms_in_force(session, cfg)  # the norms as amended, from their date on
    staff = cfg.staff_by_key
    previous = session.scalar(
        select(Meeting.starts_at)
        .where(
            Meeting.provider_id == provider.id,
            Meeting.meeting_month < meeting.meeting_month,
            Meeting.status == MeetingStatus.PLANNED,
        )
        .order_by(Meeting.meeting_month.desc())
    )
    points = session.scalars(
        select(AgendaPoint.text)
        .where(AgendaPoint.meeting_id == meeting.id, AgendaPoint.status == PointStatus.CONFIRMED)
        # in the order the provider sent them, not the order its mails were read in
        .order_by(func.coalesce(AgendaPoint.sent_at, AgendaPoint.created_at), AgendaPoint.id)
    ).all()
    region_attendees = [
        f"{staff[k].name} ({label})"
        for k, label in (
            (meeting.contract_manager, "contractmanager, voorzitter"),
            (meeting.contract_administration, "contractbeheer"),
            (meeting.support_officer, "verslag"),
        )
        if k in staff
    ]
    region_attendees += [
        f"{staff[k].name} ({ROLE_LABELS[staff[k].role]}, op uitnodiging)"
        for k in meeting.optional_staff
        if k in staff
    ]
    return {
        "region": cfg.region,
        "provider": provider,
        "meeting": meeting,
        "manager": staff.get(meeting.contract_manager),
        "starts_local": as_utc(meeting.starts_at).astimezone(REGION_TZ),
        "ends_local": as_utc(meeting.ends_at).astimezone(REGION_TZ),
        "region_attendees": region_attendees,
        "agenda": cfg.agenda_items,
        "figures_number": figures_number(cfg.agenda_items),
        "final": final,
        "previous": as_utc(previous).astimezone(REGION_TZ).date() if previous else None,
        "open_actions": open_actions_text(
            session, provider.id, meeting.meeting_month, meeting.planned_on
        ),
        "points": points,
        "signals": [
            f"{s.as_of:%d-%m-%Y} ({s.source}): {s.description}"
            for s in session.scalars(
                select(Signal)
                .where(Signal.provider_id == provider.id, Signal.status == SignalStatus.OPEN)
                .order_by(Signal.as_of)
            )
        ],
        "quarter": meeting.quarter,
        "quarter_label": quarter_label(meeting.quarter),
        "previous_quarter_label": quarter_label(previous_quarter(meeting.quarter)),
        "kpis": [
            {"label": k.label, "unit": k.unit, "norm": k.norm_for(meeting.quarter)}
            for k in cfg.sheet_kpis
        ],
        "figures": [],
        "subcontracting": [],  # the final agenda: the share via each subcontractor
        "previous_quarter": "",
        "sheet_name": f"gegevens-{provider.code}-{meeting.quarter}.xlsx",
    }


def invite(
    cfg: RegionConfig, meeting: Meeting, provider: Provider, cancelled: bool = False
) -> Attachment:
    """The meeting's calendar invite (or cancellation) as an attachment."""
    staff = cfg.staff_by_key
    manager = staff[meeting.contract_manager]
    required = [meeting.support_officer, meeting.contract_administration]
    attendees = [(provider.contact_name, provider.contact_email, True)]
    attendees += [(staff[k].name, staff[k].email, True) for k in required if k in staff]
    attendees += [
        (staff[k].name, staff[k].email, False) for k in meeting.optional_staff if k in staff
    ]
    content = meeting_invite(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=as_utc(meeting.starts_at),
        ends_at=as_utc(meeting.ends_at),
        summary=f"Contractvoortgangsgesprek {provider.name}",
        description=f"Contractvoortgangsgesprek {cfg.region.organisation} en {provider.name}. "
        f"Bespreking gegevens {meeting.quarter}.",
        location=" ".join(filter(None, [meeting.location, meeting.location_url])),
        organizer=(manager.name, manager.email),
        attendees=attendees,
        cancelled=cancelled,
    )
    method = "CANCEL" if cancelled else "REQUEST"
    return Attachment("uitnodiging.ics", f"text/calendar; method={method}", content)


def region_copy(cfg: RegionConfig, meeting: Meeting) -> list[str]:
    """The region's attendees who get a copy of the meeting mails."""
    staff = cfg.staff_by_key
    keys = [
        meeting.contract_manager,
        meeting.support_officer,
        meeting.contract_administration,
        *meeting.optional_staff,
    ]
    return [staff[k].email for k in dict.fromkeys(keys) if k in staff]


def _send_data_request(
    session: Session,
    cfg: RegionConfig,
    meeting: Meeting,
    provider: Provider,
    as_of: date,
    known: KnownKeys,
) -> bool:
    context = meeting_context(session, cfg, meeting, provider, final=False)
    quarter = Quarter.parse(meeting.quarter)
    subcontractors = subcontractors_of(session, provider.id, quarter.first_day, quarter.last_day)
    # a main contractor fills in a figure per organisation for each subcontractor too
    context["organisation_kpis"] = [k.label for k in cfg.sheet_kpis if k.per_organisation]
    context["subcontractors"] = [f"{name} ({code})" for code, name in subcontractors]
    key = f"meeting:{meeting.meeting_month:%Y-%m}:{provider.code}:request"
    subject = (
        f"Contractvoortgangsgesprek {context['starts_local']:%d-%m-%Y}: conceptagenda en "
        f"informatieverzoek {meeting.quarter}"
    )
    local = context["starts_local"]
    return mail_with_event(
        session,
        cfg,
        key=key,
        template="data_request",
        reply=ReplyTo.data_request(meeting.id, meeting_day(meeting)),
        context=context,
        to=[provider.contact_email],
        cc=region_copy(cfg, meeting),
        subject=subject,
        provider_id=provider.id,
        kind=EventKind.MEETING_PLANNED,
        actor="quarterly-preparation",
        as_of=as_of,
        known=known,
        summary=f"Contractvoortgangsgesprek gepland op {local:%d-%m-%Y %H:%M} "
        f"({meeting.location}); conceptagenda en informatieverzoek {meeting.quarter} "
        f"verstuurd, gegevens uiterlijk {meeting.data_deadline:%d-%m-%Y}",
        attachments=[
            Attachment(
                f"conceptagenda-{provider.code}-{meeting.meeting_month:%Y-%m}.docx",
                DOCX,
                agenda_docx(context),
            ),
            invite(cfg, meeting, provider),
            Attachment(
                context["sheet_name"],
                XLSX,
                data_sheet_template(
                    provider.code,
                    provider.name,
                    meeting.quarter,
                    terms_in_force(session, cfg).sheet_kpis,
                    subcontractors,
                ),
            ),
        ],
    )


def open_actions_text(session: Session, provider_id: int, before: date, as_of: date) -> list[str]:
    """Open actions of the provider's earlier meetings, as lines for the next agenda."""
    rows = (
        session.execute(
            select(ActionItem)
            .join(Meeting, Meeting.id == ActionItem.meeting_id)
            .where(
                ActionItem.provider_id == provider_id,
                ActionItem.status == ActionStatus.OPEN,
                Meeting.meeting_month < before,
            )
            .order_by(ActionItem.deadline)
        )
        .scalars()
        .all()
    )
    return [
        f"{a.agenda_item}: {a.description} — {a.owner_name}, deadline {a.deadline:%d-%m-%Y} "
        f"({'te laat' if a.deadline < as_of else 'open'})"
        for a in rows
    ]
