"""Minutes not shared in time after a meeting: the deadline's rules and its signal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind
from clm.rules.vocabulary import MeetingStatus, SignalKind
from clm.services.deadlines import KindRules, sweep
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.models import Deadline, Meeting, Minutes, Provider
from clm.storage.signals import raise_signal


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
