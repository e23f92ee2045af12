"""Small helpers the services share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.errors import UnknownProvider
from clm.settings import get_settings, region_config  # noqa: F401 (re-exported)
from clm.storage.intake import inside_intake, resolve_intake_file  # noqa: F401 (re-exported)
from clm.storage.models import Provider


def provider_by_code(session: Session, code: str) -> Provider:
    """The provider with this AGB code, or :class:`UnknownProvider`."""
    provider = session.scalar(select(Provider).where(Provider.code == code.strip()))
    if provider is None:
        raise UnknownProvider(code)
    return provider


def provider_ids(session: Session) -> dict[str, int]:
    """Every provider's code mapped to its id."""
    return dict(session.execute(select(Provider.code, Provider.id)).all())
