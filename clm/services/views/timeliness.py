"""How timely minutes were shared: the terms and the counts the analysis and the overview use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select

from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.vocabulary import MeetingStatus
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.models import Deadline, Meeting


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
