"""Use cases staff start from the UI around one meeting: move or cancel it, add an agenda
point (or confirm the points a provider proposed by mail), ask the provider for an extra
staff member and record the answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.deadlines import Subject
from clm.rules.meetings import optional_roles
from clm.rules.vocabulary import (
    AttendeeStatus,
    EventKind,
    MeetingStatus,
    PointStatus,
    WorkItemKind,
)
from clm.services.common import provider_by_code
from clm.services.deadlines import close_deadlines
from clm.services.meetings import (
    as_utc,
    invite,
    meeting_context,
    meeting_day,
    region_copy,
    set_meeting_deadlines,
)
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import AgendaPoint, AttendeeRequest, Meeting, Provider, WorkItem
from clm.storage.notify import mail_with_event


def find_meeting(session: Session, provider_code: str, month: date) -> tuple[Meeting, Provider]:
    """The provider's meeting in ``month``, or an error naming both parameters."""
    provider = provider_by_code(session, provider_code)
    meeting = session.scalar(
        select(Meeting).where(
            Meeting.provider_id == provider.id, Meeting.meeting_month == month.replace(day=1)
        )
    )
    if meeting is None:
        raise InvalidInput.one(
            "parameters provider_code/month",
            f"geen gesprek met {provider.name} in {month:%m-%Y}",
            title="Onbekend gesprek",
        )
    return meeting, provider


def _notify(
    session: Session,
    cfg: RegionConfig,
    meeting: Meeting,
    provider: Provider,
    kind: str,
    as_of: date,
    actor: str,
    summary: str,
    cancelled: bool = False,
) -> None:
    """Mail the provider and the attendees the updated (or cancelled) invite."""
    context = meeting_context(session, cfg, meeting, provider, final=False)
    context["cancelled"] = cancelled
    key = f"meeting:{meeting.meeting_month:%Y-%m}:{provider.code}:{kind}:s{meeting.sequence}"
    word = "Vervalt" if cancelled else "Gewijzigd"
    mail_with_event(
        session,
        cfg,
        key=key,
        template="meeting_change",
        context=context,
        to=[provider.contact_email],
        cc=region_copy(cfg, meeting),
        subject=f"{word}: contractvoortgangsgesprek {provider.name}",
        provider_id=provider.id,
        kind=EventKind(f"meeting_{kind}"),
        actor=actor,
        as_of=as_of,
        summary=summary,
        attachments=[invite(cfg, meeting, provider, cancelled=cancelled)],
    )


def move_meeting(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    new_start: datetime,
    location: str | None,
    actor: str,
    as_of: date,
) -> bool:
    """Move a meeting to ``new_start`` (local time); an updated invite goes out. False if it
    already is there. The contract manager may not be booked elsewhere at that moment."""
    assert cfg.meetings is not None
    start = new_start if new_start.tzinfo else new_start.replace(tzinfo=REGION_TZ)
    start = start.astimezone(UTC)
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        if meeting.status != MeetingStatus.PLANNED:
            raise InvalidInput.one(
                "parameters", "het gesprek is geannuleerd", title="Verplaatsen niet mogelijk"
            )
        place = location or meeting.location
        if as_utc(meeting.starts_at) == start and place == meeting.location:
            return False
        end = start + timedelta(minutes=cfg.meetings.duration_minutes)
        clash = session.scalar(
            select(Meeting.id).where(
                Meeting.id != meeting.id,
                Meeting.status == MeetingStatus.PLANNED,
                Meeting.contract_manager == meeting.contract_manager,
                Meeting.starts_at < end,
                Meeting.ends_at > start,
            )
        )
        if clash:
            raise InvalidInput.one(
                "parameter new_start",
                "de contractmanager heeft dan al een ander gesprek",
                title="Dubbele boeking",
            )
        known = {loc.name: loc.url for loc in cfg.meetings.locations}
        meeting.starts_at, meeting.ends_at = start, end
        meeting.location, meeting.location_url = place, known.get(place, meeting.location_url)
        meeting.sequence += 1
        set_meeting_deadlines(session, cfg, meeting)  # the minutes' two weeks move along
        local = start.astimezone(REGION_TZ)
        _notify(
            session,
            cfg,
            meeting,
            provider,
            "moved",
            as_of,
            actor,
            f"Gesprek verplaatst naar {local:%d-%m-%Y %H:%M} ({place})",
        )
        uow.commit()
        return True


def cancel_meeting(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    reason: str,
    actor: str,
    as_of: date,
) -> bool:
    """Cancel a meeting; the cancellation replaces the invite. False if already cancelled."""
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        if meeting.status == MeetingStatus.CANCELLED:
            return False
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        close_deadlines(session, Subject.MEETING, [meeting.id], as_of)
        _notify(
            session,
            cfg,
            meeting,
            provider,
            "cancelled",
            as_of,
            actor,
            f"Gesprek geannuleerd: {reason}",
            cancelled=True,
        )
        uow.commit()
        return True


def add_agenda_point(
    uow: UnitOfWork, provider_code: str, month: date, text: str, submitted_by: str, as_of: date
) -> bool:
    """Record a point for the agenda; it appears on the final agenda. False if known."""
    text = text.strip()
    if not text:
        raise InvalidInput.one(
            "parameter text", "het agendapunt is leeg", title="Agendapunt afgekeurd"
        )
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        key = f"point:{meeting.id}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
        if session.scalar(select(AgendaPoint.id).where(AgendaPoint.key == key)):
            return False
        session.add(
            AgendaPoint(key=key, meeting_id=meeting.id, text=text, submitted_by=submitted_by)
        )
        record_event(
            session,
            key=key,
            provider_id=provider.id,
            kind=EventKind.AGENDA_POINT,
            actor=submitted_by,
            as_of=as_of,
            summary=f"Agendapunt ingediend: {text}",
        )
        uow.commit()
        return True


def request_extra_attendee(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    staff_key: str,
    answer: str,
    remark: str,
    actor: str,
    as_of: date,
) -> str:
    """Record the request to the provider for an extra staff member, and later its answer
    ('requested', 'accepted' or 'declined'). Only an accepted one joins the meeting."""
    member = cfg.staff_member(staff_key)
    if answer not in ("requested", "accepted", "declined"):
        raise InvalidInput.one(
            "parameter answer", "kies requested, accepted of declined", title="Ongeldig antwoord"
        )
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        request = session.scalar(
            select(AttendeeRequest).where(
                AttendeeRequest.meeting_id == meeting.id, AttendeeRequest.staff_key == staff_key
            )
        )
        if request is not None and request.status == answer:
            return answer
        if request is None:
            request = AttendeeRequest(
                meeting_id=meeting.id,
                staff_key=staff_key,
                requested_on=as_of,
                status=AttendeeStatus.REQUESTED,
            )
            session.add(request)
        request.status, request.remark = answer, remark
        if answer != "requested":
            request.answered_on = as_of
        joined = staff_key in meeting.optional_staff
        if answer == "accepted" and not joined:
            meeting.optional_staff = [*meeting.optional_staff, staff_key]
        elif answer != "accepted" and joined and staff_key not in _role_invited(cfg, meeting):
            meeting.optional_staff = [k for k in meeting.optional_staff if k != staff_key]
        words = {"requested": "gevraagd", "accepted": "akkoord", "declined": "niet akkoord"}
        record_event(
            session,
            key=f"attendee:{meeting.id}:{staff_key}:{answer}",
            provider_id=provider.id,
            kind=EventKind.EXTRA_ATTENDEE,
            actor=actor,
            as_of=as_of,
            summary=f"Extra deelnemer {member.name}: {words[answer]}"
            + (f" ({remark})" if remark else ""),
        )
        if answer == "accepted" and not joined:
            meeting.sequence += 1
            _notify(
                session,
                cfg,
                meeting,
                provider,
                "attendee",
                as_of,
                actor,
                f"Uitnodiging bijgewerkt: {member.name} sluit aan",
            )
        uow.commit()
        return answer


def _role_invited(cfg: RegionConfig, meeting: Meeting) -> set[str]:
    return {
        s.key for role in optional_roles(meeting.meeting_month) for s in cfg.staff_with_role(role)
    }


@dataclass(frozen=True)
class ConfirmedPoints:
    """What the support officer decided on the points a provider proposed by mail."""

    provider_code: str
    meeting_day: date
    confirmed: list[str]
    rejected: int
    final_agenda_sent: bool  # True: the points come too late for the agenda already sent


def confirm_agenda_points(
    uow: UnitOfWork,
    item_id: int,
    staff_key: str,
    accept: bool,
    rewording: str,
    as_of: date,
) -> ConfirmedPoints:
    """Confirm (or turn down) the agenda points a provider proposed by mail, as listed on
    the work item ``item_id``; confirmed points reach the final agenda. ``rewording``, when
    given, replaces the proposed points by its lines (one point per line)."""
    with uow:
        session = uow.session
        item = session.get(WorkItem, item_id)
        if item is None or item.kind != WorkItemKind.AGENDA_POINTS or item.inbound_id is None:
            raise InvalidInput.one(
                "parameter item_id",
                f"werkpunt {item_id} gaat niet over bespreekpunten van een aanbieder",
                title="Onbekend werkpunt",
            )
        points = list(
            session.scalars(
                select(AgendaPoint)
                .where(AgendaPoint.inbound_id == item.inbound_id)
                .order_by(AgendaPoint.id)
            )
        )
        meeting = session.get(Meeting, points[0].meeting_id) if points else None
        if meeting is None:
            raise InvalidInput.one(
                "parameter item_id", "bij dit werkpunt horen geen bespreekpunten"
            )
        provider = session.get(Provider, meeting.provider_id)
        proposed = [p for p in points if p.status == PointStatus.PROPOSED]
        lines = [line.strip() for line in rewording.splitlines() if line.strip()]
        confirmed: list[str] = []
        for n, point in enumerate(proposed):
            if not accept:
                point.status = PointStatus.REJECTED
            elif lines:
                # the officer's wording replaces the provider's: first lines on the points
                # there are, further lines as points of their own
                if n < len(lines):
                    point.text, point.status = lines[n], PointStatus.CONFIRMED
                    confirmed.append(point.text)
                else:
                    point.status = PointStatus.REJECTED
            else:
                point.status = PointStatus.CONFIRMED
                confirmed.append(point.text)
        if accept and proposed and len(lines) > len(proposed):
            for n, text in enumerate(lines[len(proposed) :], start=len(proposed) + 1):
                session.add(
                    AgendaPoint(
                        key=f"point:{meeting.id}:mail:{item.inbound_id}:{n}",
                        meeting_id=meeting.id,
                        text=text,
                        submitted_by=proposed[0].submitted_by,
                        status=PointStatus.CONFIRMED,
                        inbound_id=item.inbound_id,
                        sent_at=proposed[0].sent_at,
                    )
                )
                confirmed.append(text)
        rejected = sum(p.status == PointStatus.REJECTED for p in proposed)
        if proposed:
            record_event(
                session,
                key=f"point:{meeting.id}:mail:{item.inbound_id}:decided",
                provider_id=provider.id,
                kind=EventKind.AGENDA_POINT,
                actor=staff_key,
                as_of=as_of,
                summary="Bespreekpunten per mail "
                + ("overgenomen: " + "; ".join(confirmed) if confirmed else "niet overgenomen")
                + (f" ({rejected} niet overgenomen)" if confirmed and rejected else ""),
            )
        if item.done_on is None:
            item.done_on = as_of
        sent = meeting.final_agenda_sent_on is not None
        uow.commit()
        return ConfirmedPoints(provider.code, meeting_day(meeting), confirmed, rejected, sent)
