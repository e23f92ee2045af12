"""Use cases of the minutes: record, release, react, finalise, copy; and the actions."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, answered_at, stamp
from clm.documents.minutes_sheet import minutes_template, parse_minutes_sheet
from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.minutes import MinutesDraft, check_minutes, reaction_deadline, revision_changes
from clm.rules.quarters import MeetingMonth
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind, MeetingStatus, MinutesStatus, SignalKind
from clm.services.actions import drop_action_deadlines, set_action_deadlines
from clm.services.deadlines import KindRules, close_deadlines, set_deadline, sweep
from clm.services.meeting_changes import find_meeting
from clm.services.meetings import as_utc, meeting_day, region_copy
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.models import (
    ActionItem,
    Deadline,
    DossierDocument,
    DossierEvent,
    Meeting,
    Minutes,
    MinutesReaction,
    MinutesVersion,
    Provider,
)
from clm.storage.notify import ReplyTo, mail_with_event
from clm.storage.outbox import enqueue
from clm.storage.signals import raise_signal

ACTOR = "minutes"


def record_minutes(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    draft: MinutesDraft,
    recorded_by: str,
    as_of: date,
    source: str = "parameters",
) -> str:
    """Store the minutes of a held meeting as a draft ('recorded', or 'replaced' when a draft
    existed). After release, changes are only taken while the provider's comments are open."""
    cfg.staff_member(recorded_by)
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        day = meeting_day(meeting)
        problems = []
        if meeting.status != MeetingStatus.PLANNED:
            problems.append(InputProblem("parameters", "het gesprek is geannuleerd"))
        if day > as_of:
            problems.append(InputProblem("parameters", f"het gesprek is pas op {day:%d-%m-%Y}"))
        problems += check_minutes(draft, day, {s.key for s in cfg.staff}, source, cfg.agenda_items)
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is not None and minutes.status == MinutesStatus.FINAL:
            problems.append(InputProblem("parameters", "het verslag is al definitief"))
        elif (
            minutes is not None
            and minutes.status == MinutesStatus.SENT
            and not minutes.open_comments
        ):
            problems.append(
                InputProblem(
                    "parameters",
                    "het verslag is verstuurd en er staan "
                    "geen opmerkingen open; registreer eerst de reactie",
                )
            )
        if problems:
            raise InvalidInput(problems, "Verslag afgekeurd, er is niets opgeslagen")
        staff = cfg.staff_by_key
        actions = [
            ActionItem(
                meeting_id=meeting.id,
                provider_id=provider.id,
                number=n,
                agenda_item=a.agenda_item.strip(),
                description=a.description.strip(),
                owner_side=a.owner_side,
                owner_name=staff[a.owner].name if a.owner_side == "region" else a.owner.strip(),
                owner_email=staff[a.owner].email
                if a.owner_side == "region"
                else provider.contact_email,
                deadline=a.deadline,
            )
            for n, a in enumerate(draft.actions, 1)
        ]
        attendees = [a.strip() for a in draft.attendees if a.strip()]
        if (
            minutes is not None
            and (minutes.attendees, minutes.items) == (attendees, [vars(i) for i in draft.items])
            and _same_actions(session, meeting.id, actions)
        ):
            return "unchanged"
        outcome = "replaced" if minutes is not None else "recorded"
        if minutes is None:
            minutes = Minutes(meeting_id=meeting.id, status=MinutesStatus.DRAFT, version=0)
            session.add(minutes)
        minutes.attendees, minutes.items = attendees, [vars(i) for i in draft.items]
        minutes.recorded_by, minutes.recorded_on = recorded_by, as_of
        # a new record replaces the meeting's actions (closed ones are recorded anew too,
        # which can only happen while the provider's comments are open)
        replaced = session.scalars(
            select(ActionItem).where(ActionItem.meeting_id == meeting.id)
        ).all()
        drop_action_deadlines(session, replaced)
        session.execute(delete(ActionItem).where(ActionItem.meeting_id == meeting.id))
        session.flush()
        session.add_all(actions)
        session.flush()
        set_action_deadlines(session, cfg, actions)
        drafts = session.scalar(
            select(func.count())
            .select_from(DossierEvent)
            .where(DossierEvent.key.startswith(f"minutes:{meeting.uid}:draft:"))
        )
        record_event(
            session,
            key=f"minutes:{meeting.uid}:draft:{drafts + 1}",
            provider_id=provider.id,
            kind=EventKind.MINUTES_DRAFT,
            actor=recorded_by,
            as_of=as_of,
            summary=f"Verslag {'vervangen' if outcome == 'replaced' else 'vastgelegd'} "
            f"(concept, {len(draft.actions)} actiepunt(en))",
        )
        uow.commit()
        return outcome


def _same_actions(session: Session, meeting_id: int, actions: list[ActionItem]) -> bool:
    def fields(a: ActionItem) -> tuple:
        return (a.number, a.agenda_item, a.description, a.owner_side, a.owner_name, a.deadline)

    stored = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting_id).order_by(ActionItem.number)
    ).all()
    return [fields(a) for a in stored] == [fields(a) for a in actions]


def _context(
    session: Session,
    cfg: RegionConfig,
    meeting: Meeting,
    provider: Provider,
    minutes: Minutes,
    label: str,
) -> dict:
    actions = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.number)
    ).all()
    staff = cfg.staff_by_key
    start = as_utc(meeting.starts_at).astimezone(REGION_TZ)
    agenda = cfg.agenda_items
    return {
        "region": cfg.region,
        "provider": provider,
        "meeting": meeting,
        "minutes": minutes,
        "label": label,
        "agenda": agenda,
        "actions": actions,
        "starts_local": start,
        "manager": staff.get(meeting.contract_manager),
        # entries and actions under their main item: '4b' is listed with item 4
        "entries_by_item": {
            item.number: [e for e in minutes.items if e["number"].rstrip("abcdefgh") == item.number]
            for item in agenda
        },
        "actions_by_item": {
            item.number: [a for a in actions if a.agenda_item.rstrip("abcdefgh") == item.number]
            for item in agenda
        },
    }


def _pdf(context: dict) -> bytes:
    return html_to_pdf(render("minutes/minutes.html.j2", **context))


def release_minutes(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    released_by: str,
    as_of: date,
) -> int:
    """Send the current draft (or revision) to the provider with its PDF and the reaction
    deadline; returns the version sent (0 when there was nothing new to send)."""
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is None:
            raise InvalidInput.one(
                "parameters", "er is nog geen verslag vastgelegd", title="Versturen niet mogelijk"
            )
        if minutes.status == MinutesStatus.FINAL or (
            minutes.status == MinutesStatus.SENT and not minutes.open_comments
        ):
            return 0  # already out: a rerun sends nothing
        minutes.version += 1
        revision = minutes.version > 1
        if not revision or cfg.minutes.new_reaction_week_on_revision:
            minutes.reaction_due = reaction_deadline(as_of, cfg.minutes, cfg.calendar)
        minutes.first_sent_on = minutes.first_sent_on or as_of
        minutes.status, minutes.open_comments = MinutesStatus.SENT, False
        close_deadlines(
            session, Subject.MEETING, [meeting.id], as_of, [DeadlineKind.MINUTES_SHARED]
        )
        set_deadline(
            session,
            DeadlineKind.REACTION,
            Subject.MINUTES,
            minutes.id,
            minutes.reaction_due,
            provider_id=provider.id,
            owner="provider",
        )
        label = f"versie {minutes.version}" + (" (herzien)" if revision else "")
        context = _context(session, cfg, meeting, provider, minutes, label)
        content = _content(session, meeting, minutes)
        previous = session.scalar(
            select(MinutesVersion.content).where(
                MinutesVersion.minutes_id == minutes.id,
                MinutesVersion.version == minutes.version - 1,
                MinutesVersion.final.is_(False),
            )
        )
        # a revision says what changed against the version the provider has
        context["changes"] = revision_changes(previous, content) if previous else []
        context["previous_version"] = minutes.version - 1
        pdf = _pdf(context)
        session.add(
            MinutesVersion(
                minutes_id=minutes.id,
                version=minutes.version,
                final=False,
                content=content,
                pdf=pdf,
                created_on=as_of,
            )
        )
        name = f"verslag-{provider.code}-{meeting.meeting_month:%Y-%m}-v{minutes.version}.pdf"
        mail_with_event(
            session,
            cfg,
            key=f"minutes:{meeting.uid}:v{minutes.version}",
            template="minutes_sent",
            reply=ReplyTo(
                ReplyKind.MINUTES,
                minutes.id,
                version=minutes.version,
                subject=f"versie {minutes.version} van het verslag van "
                f"{meeting_day(meeting):%d-%m-%Y}",
            ),
            context=context,
            to=[provider.contact_email],
            cc=region_copy(cfg, meeting),
            subject=f"Verslag contractvoortgangsgesprek {context['starts_local']:%d-%m-%Y} "
            f"({label}): reactie uiterlijk {minutes.reaction_due:%d-%m-%Y}",
            provider_id=provider.id,
            kind=EventKind.MINUTES_SENT,
            actor=released_by,
            as_of=as_of,
            summary=f"Verslag {label} verstuurd; reactie uiterlijk {minutes.reaction_due:%d-%m-%Y}",
            attachments=[Attachment(name, "application/pdf", pdf)],
        )
        uow.commit()
        return minutes.version


def _content(session: Session, meeting: Meeting, minutes: Minutes) -> dict:
    """A version as kept: attendees, items and the actions agreed (to say what a revision
    changes)."""
    actions = session.execute(
        select(
            ActionItem.agenda_item,
            ActionItem.description,
            ActionItem.owner_name,
            ActionItem.deadline,
        )
        .where(ActionItem.meeting_id == meeting.id)
        .order_by(ActionItem.number)
    ).all()
    return {
        "attendees": minutes.attendees,
        "items": minutes.items,
        "actions": [[a, d, o, f"{due:%d-%m-%Y}"] for a, d, o, due in actions],
    }


def register_reaction(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    agreed: bool,
    comments: dict[str, str],
    registered_by: str,
    as_of: date,
    original: Attachment | None = None,
    version: int | None = None,
    sent_at: datetime | None = None,
) -> str:
    """The provider's reaction to the version sent: agreed (the minutes become final at
    once) or comments per agenda item (staff revise and release again).

    A reaction by mail passes the ``original`` message (sent on to staff with the comments),
    the ``version`` it answers and when it was ``sent``: a reaction to another version than
    the one open is refused, so an old agreement never makes newer minutes final. The
    reaction sent last stands: one sent before a reaction already registered for the version
    is kept in the dossier and changes nothing ('superseded'), whatever the order the two
    are read in. Returns 'final', 'comments', 'unchanged' or 'superseded'."""
    comments = {k.strip(): v.strip() for k, v in comments.items() if v.strip()}
    if not agreed and not comments:
        raise InvalidInput.one(
            "parameter comments",
            "geef opmerkingen per agendapunt, of kies 'akkoord'",
            title="Reactie afgekeurd",
        )
    moment = answered_at(sent_at, as_of)
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        base = f"reaction:{meeting.uid}:v{minutes.version if minutes else 0}"
        earlier = (
            []
            if minutes is None
            else list(
                session.scalars(
                    select(MinutesReaction).where(
                        MinutesReaction.minutes_id == minutes.id,
                        MinutesReaction.version == minutes.version,
                    )
                )
            )
        )
        # the same reaction again (the same mail read twice, the form sent twice) changes
        # nothing; an agreement made the minutes final, so this comes before the status
        if any(r.agreed == agreed and r.comments == comments for r in earlier):
            return "unchanged"
        standing = max((answered_at(r.sent_at, r.received_on) for r in earlier), default=None)
        text = "akkoord" if agreed else "; ".join(f"{k}: {v}" for k, v in comments.items())
        digest = hashlib.sha256(f"{agreed}{comments}{moment}".encode()).hexdigest()[:10]
        key = f"{base}:{digest}" if earlier else base
        if standing is not None and moment < standing:
            record_event(
                session,
                key=key,
                provider_id=provider.id,
                kind=EventKind.MINUTES_REACTION,
                actor=registered_by,
                as_of=as_of,
                summary=f"Reactie op verslag versie {minutes.version}, verzonden "
                f"{stamp(moment)}: {text}. Eerder verzonden dan de reactie van "
                f"{stamp(standing)}; die blijft staan",
                data={"agreed": agreed, "comments": comments, "stands": False},
            )
            uow.commit()
            return "superseded"
        if minutes is None or minutes.status != MinutesStatus.SENT:
            raise InvalidInput.one(
                "parameters",
                "er staat geen verstuurd verslag open voor een reactie",
                title="Reactie afgekeurd",
            )
        if version is not None and minutes.version != version:
            raise InvalidInput.one(
                "parameters",
                f"de reactie gaat over versie {version}; open staat versie {minutes.version}",
                title="Reactie op een eerdere versie",
            )
        session.add(
            MinutesReaction(
                key=key,
                minutes_id=minutes.id,
                version=minutes.version,
                agreed=agreed,
                comments=comments,
                received_on=as_of,
                registered_by=registered_by,
                sent_at=moment,
            )
        )
        record_event(
            session,
            key=key,
            provider_id=provider.id,
            kind=EventKind.MINUTES_REACTION,
            actor=registered_by,
            as_of=as_of,
            summary=f"Reactie op verslag versie {minutes.version}: {text}"
            + (
                f" (verzonden {stamp(moment)}, na de reactie van {stamp(standing)}; deze staat)"
                if standing
                else ""
            ),  # fmt: skip
            data={"agreed": agreed, "comments": comments},
        )
        if agreed:
            _finalise(session, cfg, minutes, meeting, provider, as_of, registered_by)
        else:
            minutes.open_comments = True
            _tell_staff_of_comments(
                session, cfg, key, meeting, provider, minutes, comments, as_of, original
            )
        uow.commit()
        return "final" if agreed else "comments"


def _tell_staff_of_comments(
    session: Session,
    cfg: RegionConfig,
    key: str,
    meeting: Meeting,
    provider: Provider,
    minutes: Minutes,
    comments: dict[str, str],
    as_of: date,
    original: Attachment | None = None,
) -> None:
    """The contract manager (and the support officer, who revises) hear of the comments at
    once, with the provider's own mail when it came by mail; staff mail, so no dossier event
    of its own (the reaction is one)."""
    staff = cfg.staff_by_key
    manager, officer = staff.get(meeting.contract_manager), staff.get(meeting.support_officer)
    context = {
        "manager": manager,
        "officer": officer,
        "provider": provider,
        "version": minutes.version,
        "comments": comments,
        "received": as_of,
        "meeting_day": meeting_day(meeting),
        "region": cfg.region,
    }
    enqueue(
        session,
        key=f"{key}:staff",
        sender=cfg.mail,
        to=[m.email for m in (manager, officer) if m] or [cfg.mail.sender_email],
        subject=f"Reactie met opmerkingen op het verslag: {provider.name}",
        text=render("mail/reaction_comments.txt.j2", **context),
        html=render("mail/reaction_comments.html.j2", **context),
        provider_id=provider.id,
        attachments=[original] if original else None,
    )


def _finalise(
    session: Session,
    cfg: RegionConfig,
    minutes: Minutes,
    meeting: Meeting,
    provider: Provider,
    as_of: date,
    actor: str,
) -> None:
    minutes.status, minutes.finalised_on = MinutesStatus.FINAL, as_of
    close_deadlines(session, Subject.MINUTES, [minutes.id], as_of, [DeadlineKind.REACTION])
    context = _context(session, cfg, meeting, provider, minutes, "definitief")
    pdf = _pdf(context)
    key = f"minutes:{meeting.uid}:final"
    name = f"verslag-{provider.code}-{meeting.meeting_month:%Y-%m}-definitief.pdf"
    session.add(
        MinutesVersion(
            minutes_id=minutes.id,
            version=minutes.version,
            final=True,
            content={"attendees": minutes.attendees, "items": minutes.items},
            pdf=pdf,
            created_on=as_of,
        )
    )
    session.add(
        DossierDocument(
            event_key=key,
            provider_id=provider.id,
            filename=name,
            content_type="application/pdf",
            content=pdf,
        )
    )
    mail_with_event(
        session,
        cfg,
        key=key,
        template="minutes_final",
        reply=ReplyTo.meeting(meeting.id, meeting_day(meeting)),
        context=context,
        to=[provider.contact_email],
        cc=region_copy(cfg, meeting),
        subject=f"Definitief verslag contractvoortgangsgesprek {context['starts_local']:%d-%m-%Y}",
        provider_id=provider.id,
        kind=EventKind.MINUTES_FINAL,
        actor=actor,
        as_of=as_of,
        summary=f"Verslag definitief (versie {minutes.version}) en opgenomen in het "
        "contractdossier",
        attachments=[Attachment(name, "application/pdf", pdf)],
    )


def _reaction_subject(
    session: Session, deadline: Deadline
) -> tuple[Minutes, Meeting, Provider] | None:
    minutes = session.get(Minutes, deadline.subject_id)
    if minutes is None or minutes.status != MinutesStatus.SENT:
        return None
    meeting = session.get(Meeting, minutes.meeting_id)
    return minutes, meeting, session.get(Provider, meeting.provider_id)


def _reaction_week_over(
    session: Session,
    cfg: RegionConfig,
    _deadline: Deadline,
    subject: tuple[Minutes, Meeting, Provider],
    as_of: date,
) -> bool:
    """The reaction week passed: without open comments the minutes become final (and, when
    the region wants it, no reaction at all is a signal); open comments wait for staff."""
    minutes, meeting, provider = subject
    if minutes.open_comments:
        return False
    reacted = session.scalar(
        select(MinutesReaction.id).where(MinutesReaction.minutes_id == minutes.id)
    )
    if cfg.minutes.signal_missing_reaction and reacted is None:
        raise_signal(
            session,
            cfg,
            key=f"minutes-noreaction:{meeting.uid}",
            provider=provider,
            kind=SignalKind.TIMELINESS,
            source="daily-sweep: verslag",
            as_of=as_of,
            description=f"Geen reactie op het verslag van het gesprek van "
            f"{meeting_day(meeting):%d-%m-%Y} (termijn {minutes.reaction_due:%d-%m-%Y})",
            subject=f"Signaal: geen reactie van {provider.name} op het verslag",
        )
    _finalise(session, cfg, minutes, meeting, provider, as_of, "daily-sweep")
    return True


REACTION_RULES = KindRules(
    load=_reaction_subject,
    lapse=_reaction_week_over,
    key_prefixes=("minutes:", "minutes-noreaction:"),
)


def finalise_due_minutes(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> int:
    """Minutes whose reaction term passed without open comments become final."""
    return sweep(uow, cfg, as_of, {DeadlineKind.REACTION: REACTION_RULES}).of(
        DeadlineKind.REACTION
    )[1]


def _shared_subject(session: Session, deadline: Deadline) -> tuple[Meeting, Provider] | None:
    meeting = session.get(Meeting, deadline.subject_id)
    if meeting is None or meeting.status != MeetingStatus.PLANNED:
        return None
    sent = session.scalar(select(Minutes.first_sent_on).where(Minutes.meeting_id == meeting.id))
    return None if sent is not None else (meeting, session.get(Provider, meeting.provider_id))


def _minutes_late(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Meeting, Provider],
    as_of: date,
) -> bool:
    """Minutes not shared within two weeks (seed 004): one signal to the contract manager."""
    meeting, provider = subject
    raise_signal(
        session,
        cfg,
        key=f"minutes-late:{meeting.uid}",
        provider=provider,
        kind=SignalKind.TIMELINESS,
        source="daily-sweep: verslag",
        description=(
            f"Verslag van het gesprek van {meeting_day(meeting):%d-%m-%Y} niet gedeeld binnen "
            f"{cfg.minutes.share_within_days} dagen (uiterlijk {deadline.due_on:%d-%m-%Y})"
        ),
        as_of=as_of,
        subject=f"Signaal: verslag {provider.name} te laat",
    )
    return True


MINUTES_SHARED_RULES = KindRules(
    load=_shared_subject, lapse=_minutes_late, key_prefixes=("minutes-late:",)
)


def signal_late_minutes(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> int:
    """A held meeting whose minutes were not shared within two weeks (seed 004): one signal
    to the contract manager, the day after the last day."""
    return sweep(uow, cfg, as_of, {DeadlineKind.MINUTES_SHARED: MINUTES_SHARED_RULES}).of(
        DeadlineKind.MINUTES_SHARED
    )[1]


def send_copy(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    requested_by: str,
    as_of: date,
    request_key: str | None = None,
) -> str:
    """Send the provider the latest final minutes, or the current draft marked as such;
    one copy per meeting and day, or per request (``request_key``, a request by mail).
    Returns 'final', 'draft' or 'unchanged'."""
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is None:
            raise InvalidInput.one("parameters", "er is nog geen verslag", title="Geen verslag")
        final = minutes.status == MinutesStatus.FINAL
        label = "definitief" if final else "CONCEPT — nog niet definitief"
        context = _context(session, cfg, meeting, provider, minutes, label)
        pdf = (
            session.scalar(
                select(MinutesVersion.pdf).where(
                    MinutesVersion.minutes_id == minutes.id, MinutesVersion.final.is_(True)
                )
            )
            if final
            else _pdf(context)
        )
        kind = "final" if final else "draft"
        added = mail_with_event(
            session,
            cfg,
            key=f"minutes:{meeting.uid}:copy:{request_key or f'{as_of:%Y-%m-%d}'}",
            template="minutes_copy",
            reply=ReplyTo.meeting(meeting.id, meeting_day(meeting)),
            context=context,
            to=[provider.contact_email],
            subject=f"Verslag contractvoortgangsgesprek {context['starts_local']:%d-%m-%Y} "
            f"({'definitief' if final else 'concept'})",
            provider_id=provider.id,
            kind=EventKind.MINUTES_COPY,
            actor=requested_by,
            as_of=as_of,
            summary=f"Verslag opgevraagd door {requested_by}; {label} verstuurd",
            attachments=[
                Attachment(
                    f"verslag-{provider.code}-{meeting.meeting_month:%Y-%m}-{kind}.pdf",
                    "application/pdf",
                    pdf,
                )
            ],
        )
        uow.commit()
        return kind if added else "unchanged"


def record_minutes_sheet(
    uow: UnitOfWork, cfg: RegionConfig, path: Path, recorded_by: str, as_of: date
) -> str:
    """Record the minutes from a filled-in sheet (the template of :func:`write_template`)."""
    code, month, draft = parse_minutes_sheet(path)
    try:
        meeting_month = MeetingMonth.parse(month).first_day
    except ValueError:
        raise InvalidInput.one(
            f"{path.name} [Verslag]",
            f"ongeldige gespreksmaand '{month}' (JJJJ-MM)",
            row=3,
            column="Gespreksmaand",
            title="Verslag afgekeurd, er is niets opgeslagen",
        ) from None
    return record_minutes(
        uow,
        cfg,
        code,
        meeting_month,
        draft,
        recorded_by,
        as_of,
        source=f"{path.name} [Actiepunten]",
    )


def write_template(
    uow: UnitOfWork, cfg: RegionConfig, provider_code: str, month: date, folder: Path
) -> Path:
    """Put the blank minutes sheet of a meeting in ``folder`` (never over an existing file)."""
    with uow:
        _meeting, provider = find_meeting(uow.session, provider_code, month)
    path = folder / f"verslag-{provider.code}-{month:%Y-%m}.xlsx"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        sheet = minutes_template(provider.code, provider.name, f"{month:%Y-%m}", cfg.agenda_items)
        path.write_bytes(sheet)
    return path
