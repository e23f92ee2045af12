"""The provider's reaction to released minutes (agreed, comments, the answer sent last stands),
and final minutes when the week to react is over."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import answered_at, stamp
from clm.documents.rendering import render
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.vocabulary import EventKind, MinutesStatus, SignalKind
from clm.services.deadlines import KindRules, close_deadlines, sweep
from clm.services.meeting_changes import find_meeting
from clm.services.meetings import meeting_day, region_copy
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.models import (
    Deadline,
    DossierDocument,
    Meeting,
    Minutes,
    MinutesReaction,
    MinutesVersion,
    Provider,
)
from clm.storage.notify import ReplyTo, mail_with_event
from clm.storage.outbox import enqueue
from clm.storage.signals import raise_signal

from .document import _context, _pdf


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
