"""The contract dossier: every decision and message about a provider, as events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clm.rules.inputs import visible
from clm.rules.vocabulary import EventKind
from clm.storage.db import add_row, claim_key, keys_with_prefix
from clm.storage.models import DossierEvent


def record_event(
    session: Session,
    *,
    key: str,
    provider_id: int,
    kind: EventKind,
    summary: str,
    actor: str,
    as_of: date,
    data: dict[str, Any] | None = None,
    known_keys: set[str] | None = None,
) -> bool:
    """Add an event in the caller's transaction unless one with this key exists (then False).

    A batch passes ``known_keys`` (from :func:`existing_keys`) instead of a look-up per event.
    """
    if not claim_key(session, DossierEvent.key, key, known_keys):
        return False
    add_row(
        session,
        DossierEvent,
        {
            "key": key,
            "provider_id": provider_id,
            "kind": kind,
            # composed from stored data: a stray NUL shows, not stops
            "summary": visible(summary),
            "actor": actor,
            "as_of": as_of,
            "data": data or {},
        },
    )
    return True


def existing_keys(session: Session, prefix: str) -> set[str]:
    """The dossier event keys that start with ``prefix``."""
    return keys_with_prefix(session, DossierEvent.key, prefix)
