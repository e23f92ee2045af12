"""The contract dossier: every decision and message about a provider, as events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.models import DossierEvent


def record_event(
    session: Session,
    *,
    key: str,
    provider_id: int,
    kind: str,
    summary: str,
    actor: str,
    as_of: date,
    data: dict[str, Any] | None = None,
    known_keys: set[str] | None = None,
) -> bool:
    """Add an event in the caller's transaction unless one with this key exists (then False).

    A batch passes ``known_keys`` (from :func:`existing_keys`) instead of a look-up per event.
    """
    if known_keys is None:
        if session.scalar(select(DossierEvent.id).where(DossierEvent.key == key)) is not None:
            return False
    elif key in known_keys:
        return False
    else:
        known_keys.add(key)
    session.add(
        DossierEvent(
            key=key,
            provider_id=provider_id,
            kind=kind,
            summary=summary,
            actor=actor,
            as_of=as_of,
            data=data or {},
        )
    )
    return True


def existing_keys(session: Session, prefix: str) -> set[str]:
    """The dossier event keys that start with ``prefix``."""
    return set(session.scalars(select(DossierEvent.key).where(DossierEvent.key.startswith(prefix))))
