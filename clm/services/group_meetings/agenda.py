"""The final agenda of a group meeting, chosen among the candidates, and the invitation (.ics)
to every provider invited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, dutch_date
from clm.documents.ics import meeting_invite
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind, GroupMeetingStatus
from clm.services.meetings import as_utc, meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import GroupMeeting, Provider
from clm.storage.notify import KnownKeys, mail_with_event

from .meeting import find_meeting
from .topics import candidates

OPENING = "Opening, mededelingen en verslag van de vorige bijeenkomst"


CLOSING = "Rondvraag en sluiting"


def invited_providers(session: Session, meeting: GroupMeeting) -> list[Provider]:
    providers = session.scalars(
        select(Provider).where(Provider.active).order_by(Provider.code)
    ).all()
    if not meeting.care_type:
        return list(providers)
    return [p for p in providers if meeting.care_type in p.care_types.split(",")]


def _invite(cfg: RegionConfig, meeting: GroupMeeting, provider: Provider) -> Attachment:
    organiser = cfg.mail
    content = meeting_invite(
        uid=meeting.uid,
        sequence=meeting.sequence,
        starts_at=as_utc(meeting.starts_at),
        ends_at=as_utc(meeting.ends_at),
        summary=f"Groepsoverleg contractmanagement {cfg.region.name}",
        description="Bijeenkomst van de regio met alle gecontracteerde aanbieders"
        + (f" van perceel {meeting.care_type}" if meeting.care_type else "")
        + ". Agenda: "
        + "; ".join(item["text"] for item in meeting.agenda),
        location=meeting.location,
        organizer=(organiser.sender_name, organiser.sender_email),
        attendees=[(provider.contact_name, provider.contact_email, True)],
    )
    return Attachment("uitnodiging.ics", "text/calendar; method=REQUEST", content)


def set_agenda(
    uow: UnitOfWork,
    cfg: RegionConfig,
    key: str,
    chosen: list[str],
    region_topics: list[str],
    decided_by: str,
    as_of: date,
) -> int:
    """Fix the final agenda from the chosen candidates (T<n> for a topic, S<n> for a signal)
    and the region's own topics, and invite every contracted provider of the lot with an
    .ics. The same agenda again sends nothing; a changed agenda sends an update (same UID,
    next sequence). Returns the number of invitations put in the outbox."""
    cfg.staff_member(decided_by)
    items = [{"text": OPENING, "source": "regio"}]
    items += _resolve(uow, key, chosen)
    items += [{"text": t.strip(), "source": "regio"} for t in region_topics if t.strip()]
    items.append({"text": CLOSING, "source": "regio"})
    with uow:
        session = uow.session
        meeting = find_meeting(session, key)
        if meeting.report_recorded_on is not None:
            raise InvalidInput.one(
                "parameter meeting",
                "de bijeenkomst is al gehouden",
                title="Bijeenkomst al gehouden",
            )
        if meeting.agenda == items:
            return 0
        if meeting.agenda_set_on is not None:
            meeting.sequence += 1
        meeting.agenda, meeting.agenda_set_on, meeting.status = (
            items,
            as_of,
            GroupMeetingStatus.INVITED,
        )
        day = meeting_day(meeting)
        prefix = f"group:{meeting.key}:invite:{meeting.sequence}:"
        known = KnownKeys.load(session, prefix)
        sent = 0
        for provider in invited_providers(session, meeting):
            sent += mail_with_event(
                session,
                cfg,
                key=prefix + provider.code,
                template="group_invitation",
                context={
                    "provider": provider,
                    "meeting": meeting,
                    "day": day,
                    "starts_local": as_utc(meeting.starts_at).astimezone(REGION_TZ),
                    "update": meeting.sequence > 0,
                    "region": cfg.region,
                },
                to=[provider.contact_email],
                subject=("Gewijzigde agenda: " if meeting.sequence else "Uitnodiging: ")
                + f"groepsoverleg contractmanagement {dutch_date(day)}",
                provider_id=provider.id,
                kind=EventKind.GROUP_INVITATION,
                actor=decided_by,
                as_of=as_of,
                summary=f"Uitgenodigd voor het groepsoverleg van {dutch_date(day)}",
                attachments=[_invite(cfg, meeting, provider)],
                known=known,
            )
        uow.commit()
        return sent


def _resolve(uow: UnitOfWork, key: str, chosen: list[str]) -> list[dict[str, str]]:
    """The chosen candidates by their reference (T<n> or S<n>, as the list shows them), each
    worded as staff wrote it after a colon ('S3: Wachttijden ambulante hulp'). A topic may
    keep its own text; a signal never goes to all providers in its internal wording."""
    listed = {c.ref: c for c in candidates(uow, key)}
    problems, items, seen = [], [], set()
    for i, item in enumerate(chosen):
        ref, _, wording = item.partition(":")
        ref, wording = ref.strip().upper(), wording.strip()
        where = f"parameter chosen[{i}]"
        if ref not in listed:
            problems.append(InputProblem(where, f"'{ref}' staat niet in de lijst van kandidaten"))
        elif listed[ref].kind == "signaal" and not wording:
            problems.append(
                InputProblem(
                    where,
                    f"schrijf het agendapunt bij signaal {ref} zelf, bijvoorbeeld '{ref}: "
                    "Wachttijden ambulante hulp': de tekst van een signaal is intern en gaat "
                    "niet naar alle aanbieders",
                )
            )
        elif ref not in seen:
            seen.add(ref)
            c = listed[ref]
            signal = c.kind == "signaal"
            items.append(
                {
                    "text": wording or c.text,
                    "source": "signalen uit de gesprekken" if signal else f"{c.kind} ({c.source})",
                }
            )
    if problems:
        raise InvalidInput(problems, "Agenda niet vastgesteld, er is niets verstuurd")
    return items
