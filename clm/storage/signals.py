"""Signals of (threatening) non-compliance (seed 004): recorded, and told to the contract
manager; restraint first, so a signal never starts an escalation step by itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clm.rules.config import RegionConfig
from clm.rules.inputs import visible
from clm.rules.vocabulary import EventKind, SignalKind, signal_label
from clm.storage.db import claim_key
from clm.storage.models import Provider, Signal
from clm.storage.notify import mail_with_event


def raise_signal(
    session: Session,
    cfg: RegionConfig,
    *,
    key: str,
    provider: Provider,
    kind: SignalKind,
    source: str,
    description: str,
    as_of: date,
    subject: str,
) -> bool:
    """Record a signal and mail the provider's contract manager, in the caller's transaction;
    False (and nothing written) when a signal with this key exists."""
    if not claim_key(session, Signal.key, key, None):
        return False
    session.add(
        Signal(
            key=key,
            provider_id=provider.id,
            kind=kind,
            source=source,
            description=visible(description),
            as_of=as_of,
        )
    )
    manager = cfg.staff_by_key.get(provider.contract_manager)
    mail_with_event(
        session,
        cfg,
        key=key,
        template="staff_signal",
        context={
            "manager": manager,
            "provider": provider,
            "description": description,
            "kind_label": signal_label(kind),
        },
        to=[manager.email] if manager else [cfg.mail.sender_email],
        subject=subject,
        provider_id=provider.id,
        kind=EventKind.SIGNAL,
        actor=source.split(":")[0],
        as_of=as_of,
        summary=description,
    )
    return True
