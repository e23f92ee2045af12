"""Use cases of group contract management (seed 002, level 2).

Two or three times a year a meeting with all contracted providers of a lot (or of all lots).
Both sides propose topics; the region sets the final agenda, choosing among the proposals and
the signals from the individual meetings of the period; the invitation (.ics) goes to every
provider; afterwards the report with its actions and action holders goes out, and the actions
are followed up like those of individual meetings. A proposal to change the framework
agreement (art. 8) is recorded as an outcome.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, dutch_date
from clm.documents.ics import meeting_invite
from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.errors import InputProblem, InvalidInput
from clm.rules.calendar import working_days_before
from clm.rules.commands import GroupAction
from clm.rules.config import RegionConfig
from clm.rules.meetings import next_meeting_date
from clm.rules.vocabulary import ActionStatus, EventKind, GroupMeetingStatus, signal_label
from clm.services.actions import drop_action_deadlines, set_action_deadlines
from clm.services.meetings import as_utc, meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import ActionItem, GroupMeeting, GroupTopic, Provider, Signal
from clm.storage.notify import KnownKeys, mail_with_event

OPENING = "Opening, mededelingen en verslag van de vorige bijeenkomst"
CLOSING = "Rondvraag en sluiting"


def _key(day: date, care_type: str) -> str:
    return f"{day:%Y-%m}" + (f":{care_type}" if care_type else "")


def ensure_meeting(
    session: Session, cfg: RegionConfig, day: date, care_type: str, as_of: date
) -> GroupMeeting:
    """The group meeting of ``day`` (and lot), created on first use."""
    key = _key(day, care_type)
    meeting = session.scalar(select(GroupMeeting).where(GroupMeeting.key == key))
    if meeting is not None:
        return meeting
    rules = cfg.group_meetings
    hour, minute = (int(x) for x in rules.time.split(":"))
    starts = datetime.combine(day, time(hour, minute), REGION_TZ)
    domain = cfg.mail.sender_email.rsplit("@", 1)[-1]
    meeting = GroupMeeting(
        key=key,
        care_type=care_type,
        uid=f"groep-{key.replace(':', '-')}@{domain}",
        sequence=0,
        status=GroupMeetingStatus.OPEN,
        starts_at=starts.astimezone(UTC),
        ends_at=(starts + timedelta(minutes=rules.duration_minutes)).astimezone(UTC),
        location=rules.location,
        opened_on=as_of,
        invite_due=working_days_before(day, rules.invite_working_days, cfg.calendar),
        agenda=[],
        report={},
    )
    session.add(meeting)
    session.flush()
    return meeting


def find_meeting(session: Session, key: str) -> GroupMeeting:
    """The group meeting with this key (JJJJ-MM or JJJJ-MM:perceel), or a clear error."""
    meeting = session.scalar(select(GroupMeeting).where(GroupMeeting.key == key))
    if meeting is None:
        known = ", ".join(session.scalars(select(GroupMeeting.key).order_by(GroupMeeting.key)))
        raise InvalidInput.one(
            "parameter meeting",
            f"geen groepsbijeenkomst '{key}'; bekend: {known}",
            title="Onbekende groepsbijeenkomst",
        )
    return meeting


def open_next(uow: UnitOfWork, cfg: RegionConfig, as_of: date, care_type: str = "") -> str | None:
    """Open the next group meeting once its preparation window has started (the scheduled
    run): returns its key, or None when it is still too far ahead."""
    day = next_meeting_date(cfg, as_of)
    opens = working_days_before(day, cfg.group_meetings.prepare_working_days, cfg.calendar)
    if as_of < opens:
        return None
    with uow:
        meeting = ensure_meeting(uow.session, cfg, day, care_type, as_of)
        uow.commit()
        return meeting.key


def propose_topic(
    uow: UnitOfWork,
    cfg: RegionConfig,
    proposer: str,
    text: str,
    explanation: str,
    as_of: date,
    care_type: str = "",
) -> tuple[str, bool]:
    """A topic for the next group meeting, from a provider (AGB code) or the region (staff
    key). Returns the meeting's key and whether the topic is new (the same topic again is
    not added twice)."""
    with uow:
        session = uow.session
        provider = None
        if proposer.isascii() and proposer.isdigit():
            provider = session.scalar(select(Provider).where(Provider.code == proposer))
            if provider is None:
                raise InvalidInput.one(
                    "parameter proposer",
                    f"onbekende aanbieder '{proposer}'",
                    title="Onbekende indiener",
                )
            who = provider.name
        else:
            who = cfg.staff_member(proposer).key
        meeting = ensure_meeting(session, cfg, next_meeting_date(cfg, as_of), care_type, as_of)
        if meeting.agenda_set_on is not None:
            raise InvalidInput.one(
                "parameter topic",
                f"de agenda van de bijeenkomst van {dutch_date(meeting_day(meeting))} "
                "is al vastgesteld",
                title="Agenda al vastgesteld",
            )
        digest = hashlib.sha256(f"{proposer}|{text.strip()}".encode()).hexdigest()[:16]
        key = f"topic:{meeting.key}:{digest}"
        if session.scalar(select(GroupTopic.id).where(GroupTopic.key == key)) is not None:
            return meeting.key, False
        session.add(
            GroupTopic(
                key=key,
                group_meeting_id=meeting.id,
                provider_id=provider.id if provider else None,
                proposed_by=who,
                text=text.strip(),
                explanation=explanation.strip(),
                proposed_on=as_of,
            )
        )
        uow.commit()
        return meeting.key, True


@dataclass(frozen=True)
class Candidate:
    """A topic or signal the region can put on the agenda."""

    id: int
    kind: str  # onderwerp, signaal
    text: str
    source: str

    @property
    def ref(self) -> str:
        """How staff name it when choosing: T<n> for a topic, S<n> for a signal."""
        return ("T" if self.kind == "onderwerp" else "S") + str(self.id)


def candidates(uow: UnitOfWork, key: str) -> list[Candidate]:
    """The proposed topics and the signals from the individual meetings since the previous
    group meeting (at most half a year back), for the region to choose from."""
    with uow:
        session = uow.session
        meeting = find_meeting(session, key)
        day = meeting_day(meeting)
        earlier = session.scalar(
            select(GroupMeeting.starts_at)
            .where(GroupMeeting.starts_at < meeting.starts_at)
            .order_by(GroupMeeting.starts_at.desc())
        )
        since = max(
            as_utc(earlier).date() if earlier else day - timedelta(days=183),
            day - timedelta(days=183),
        )
        topics = session.scalars(
            select(GroupTopic)
            .where(GroupTopic.group_meeting_id == meeting.id)
            .order_by(GroupTopic.id)
        ).all()
        signals = session.scalars(
            select(Signal).where(Signal.as_of >= since, Signal.as_of <= day).order_by(Signal.id)
        ).all()
        return [Candidate(t.id, "onderwerp", t.text, t.proposed_by) for t in topics] + [
            Candidate(s.id, "signaal", f"{signal_label(s.kind)}: {s.description}", s.source)
            for s in signals
        ]


def _invited(session: Session, meeting: GroupMeeting) -> list[Provider]:
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
        for provider in _invited(session, meeting):
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


def record_report(
    uow: UnitOfWork,
    cfg: RegionConfig,
    key: str,
    attendees: list[str],
    notes: list[str],
    actions: list[GroupAction],
    framework_change: str,
    recorded_by: str,
    as_of: date,
) -> int:
    """Record the report (attending providers by AGB code, notes per agenda item, actions
    with their holders, a proposal to change the framework agreement), store its PDF and
    send it to every invited provider. Returns the mails put in the outbox (0: the same
    report was recorded already)."""
    cfg.staff_member(recorded_by)
    with uow:
        session = uow.session
        meeting = find_meeting(session, key)
        providers = {p.code: p for p in _invited(session, meeting)}
        problems = [
            InputProblem(f"parameter attendees[{i}]", f"'{code}' is geen uitgenodigde aanbieder")
            for i, code in enumerate(attendees)
            if code not in providers
        ]
        for i, action in enumerate(actions):
            if action.holder not in providers and action.holder not in cfg.staff_by_key:
                problems.append(
                    InputProblem(
                        f"parameter actions[{i}].holder",
                        f"'{action.holder}' is geen uitgenodigde aanbieder of medewerker",
                    )
                )
            if action.deadline <= meeting_day(meeting):
                problems.append(
                    InputProblem(f"parameter actions[{i}].deadline", "ligt niet na de bijeenkomst")
                )
        if meeting.agenda_set_on is None:
            problems.append(InputProblem("parameter meeting", "de agenda is nog niet vastgesteld"))
        if meeting_day(meeting) > as_of:
            problems.append(
                InputProblem("parameter meeting", "de bijeenkomst is nog niet gehouden")
            )
        if problems:
            raise InvalidInput(problems, "Verslag groepsoverleg niet opgeslagen")
        report = {
            "attendees": sorted(set(attendees)),
            "notes": notes,
            "actions": [
                {
                    "description": a.description,
                    "holder": a.holder,
                    "deadline": a.deadline.isoformat(),
                }
                for a in actions
            ],
            "framework_change": framework_change.strip(),
        }
        digest = hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:12]
        if meeting.report.get("digest") == digest:
            return 0
        existing = session.scalars(
            select(ActionItem).where(ActionItem.group_meeting_id == meeting.id)
        ).all()
        if any(a.status == ActionStatus.DONE for a in existing):
            raise InvalidInput.one(
                "parameter actions",
                "er zijn al actiepunten afgerond",
                title="Verslag niet meer te wijzigen",
            )
        drop_action_deadlines(session, existing)
        for old in existing:
            session.delete(old)
        session.flush()
        added = []
        for number, action in enumerate(actions, 1):
            holder = providers.get(action.holder)
            staff = cfg.staff_by_key.get(action.holder)
            added.append(
                ActionItem(
                    group_meeting_id=meeting.id,
                    provider_id=holder.id if holder else None,
                    number=number,
                    agenda_item="groep",
                    description=action.description,
                    owner_side="provider" if holder else "region",
                    owner_name=holder.contact_name if holder else staff.name,
                    owner_email=holder.contact_email if holder else staff.email,
                    deadline=action.deadline,
                )
            )
        session.add_all(added)
        session.flush()
        set_action_deadlines(session, cfg, added)
        meeting.report = {**report, "digest": digest}
        meeting.framework_change = report["framework_change"]
        meeting.report_recorded_on, meeting.status = as_of, GroupMeetingStatus.HELD
        day = meeting_day(meeting)
        context = {
            "meeting": meeting,
            "day": day,
            "region": cfg.region,
            "attendees": [providers[c].name for c in report["attendees"]],
            "notes": notes,
            "actions": [
                {
                    "description": a.description,
                    "holder": providers[a.holder].name
                    if a.holder in providers
                    else cfg.staff_by_key[a.holder].name,
                    "deadline": a.deadline,
                }
                for a in actions
            ],
        }
        pdf = html_to_pdf(render("group/report.html.j2", **context))
        meeting.report_pdf = pdf
        prefix = f"group:{meeting.key}:report:{digest}:"
        known = KnownKeys.load(session, prefix)
        sent = 0
        for provider in providers.values():
            sent += mail_with_event(
                session,
                cfg,
                key=prefix + provider.code,
                template="group_report",
                context={**context, "provider": provider},
                to=[provider.contact_email],
                subject=f"Verslag groepsoverleg contractmanagement {dutch_date(day)}",
                provider_id=provider.id,
                kind=EventKind.GROUP_REPORT,
                actor=recorded_by,
                as_of=as_of,
                summary=f"Verslag van het groepsoverleg van {dutch_date(day)} ontvangen"
                + (" (voorstel wijziging raamovereenkomst)" if meeting.framework_change else ""),
                attachments=[
                    Attachment(
                        f"verslag-groepsoverleg-{meeting.key[:7]}.pdf", "application/pdf", pdf
                    )
                ],
                known=known,
            )
        uow.commit()
        return sent
