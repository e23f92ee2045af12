"""Releasing the minutes to the provider with a week to react, and a copy sent on request."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.minutes import reaction_deadline, revision_changes
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind, MinutesStatus
from clm.services.deadlines import close_deadlines, set_deadline
from clm.services.meeting_changes import find_meeting
from clm.services.meetings import meeting_day, region_copy
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import ActionItem, Meeting, Minutes, MinutesVersion
from clm.storage.notify import ReplyTo, mail_with_event

from .document import _context, _pdf


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
