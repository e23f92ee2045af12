"""Use cases of signals: staff record one; everyone sees the open ones."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind, SignalKind, signal_label
from clm.services.common import provider_by_code
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Signal


def record_signal(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    kind: str,
    source: str,
    description: str,
    recorded_by: str,
    as_of: date,
) -> bool:
    """Record a signal from staff; the same signal on the same day is recorded once."""
    cfg.staff_member(recorded_by)
    if kind not in set(SignalKind):
        raise InvalidInput.one(
            "parameter kind",
            "kies quality, continuity, lawfulness of timeliness",
            title="Signaal afgekeurd",
        )
    if len(description.strip()) < 10:
        raise InvalidInput.one(
            "parameter description",
            "beschrijf het signaal (minstens 10 tekens)",
            title="Signaal afgekeurd",
        )
    digest = hashlib.sha256(f"{kind}{source}{description}".encode()).hexdigest()[:16]
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        key = f"signal:{provider.code}:{as_of:%Y%m%d}:{digest}"
        if session.scalar(select(Signal.id).where(Signal.key == key)):
            return False
        session.add(
            Signal(
                key=key,
                provider_id=provider.id,
                kind=kind,
                source=source,
                description=description.strip(),
                as_of=as_of,
            )
        )
        record_event(
            session,
            key=key,
            provider_id=provider.id,
            kind=EventKind.SIGNAL,
            actor=recorded_by,
            as_of=as_of,
            summary=f"Signaal ({signal_label(kind)}, {source}): {description.strip()}",
        )
        uow.commit()
        return True
