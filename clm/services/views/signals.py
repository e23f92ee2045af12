"""The open signals staff follow up, per contract manager and provider, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.rules.vocabulary import SignalStatus, signal_label
from clm.storage.db import UnitOfWork
from clm.storage.models import Provider, Signal


@dataclass(frozen=True)
class OpenSignal:
    code: str
    name: str
    contract_manager: str
    kind: str
    source: str
    description: str
    since: date


def open_signals(uow: UnitOfWork, cfg: RegionConfig) -> list[OpenSignal]:
    """Every open signal, per contract manager and provider, oldest first."""
    names = {s.key: s.name for s in cfg.staff}
    with uow:
        rows = uow.session.execute(
            select(Signal, Provider)
            .join(Provider, Provider.id == Signal.provider_id)
            .where(Signal.status == SignalStatus.OPEN)
            .order_by(Provider.contract_manager, Provider.code, Signal.as_of)
        ).all()
        return [
            OpenSignal(
                p.code,
                p.name,
                names.get(p.contract_manager, p.contract_manager),
                signal_label(s.kind),
                s.source,
                s.description,
                s.as_of,
            )
            for s, p in rows
        ]
