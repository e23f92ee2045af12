"""Topics for a group meeting: proposed by a provider or the region, and the candidates for its
agenda (proposals and the signals of the period's individual meetings)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from clm.clock import dutch_date
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.meetings import next_meeting_date
from clm.rules.vocabulary import signal_label
from clm.services.meetings import as_utc, meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.models import GroupMeeting, GroupTopic, Provider, Signal

from .meeting import ensure_meeting, find_meeting


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
