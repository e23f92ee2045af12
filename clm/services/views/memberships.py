"""Which care types (lots) each provider holds, from the stored providers: the peers of the
benchmark and the analysis."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.storage.models import Provider


def memberships(lots: Iterable[tuple[int, str | None]]) -> pd.DataFrame:
    """One row (provider_id, care_type) per lot a provider holds, from the stored
    ``Provider.care_types`` ('AMB, VBL'): the peers of the benchmark and the analysis."""
    return pd.DataFrame(
        [(pid, c.strip()) for pid, types in lots for c in (types or "").split(",") if c.strip()],
        columns=["provider_id", "care_type"],
    ).astype({"provider_id": "int64"})


def care_type_memberships(session: Session) -> pd.DataFrame:
    """Every provider's lots as :func:`memberships`."""
    return memberships(session.execute(select(Provider.id, Provider.care_types)).all())
