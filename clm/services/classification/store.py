"""Storing a computed classification: a revision only where something changed, each provider's
letter when its category is new or changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select

from clm.rules.classification import CRITERIA
from clm.rules.commands import ReferencePeriod
from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from clm.storage.models import CategoryOverride, ClassificationRow, Provider
from clm.storage.notify import KnownKeys

from .letters import record_classification


@dataclass
class StoreSummary:
    """What storing a classification changed."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    letters: int = 0
    overridden: int = 0
    changed_codes: list[str] = field(default_factory=list)


def _points(record: pd.Series) -> dict[str, int | None]:
    return {
        k: None if pd.isna(record[f"points_{k}"]) else int(record[f"points_{k}"]) for k in CRITERIA
    }


def store_classification(
    uow: UnitOfWork,
    cfg: RegionConfig,
    year: int,
    period: ReferencePeriod,
    result: pd.DataFrame,
    as_of: date,
    actor: str = "yearly-classification",
) -> StoreSummary:
    """Write the classification of ``year`` with its letters and dossier events, in one commit.

    A provider whose figures did not change gets nothing new. A standing category override
    is applied again, so it survives a recomputation.
    """
    summary = StoreSummary()
    with uow:
        session = uow.session
        providers = {p.code: p for p in session.scalars(select(Provider))}
        existing = {
            r.provider_id: r
            for r in session.scalars(
                select(ClassificationRow).where(ClassificationRow.year == year)
            )
        }
        overrides = {
            o.provider_id: o
            for o in session.scalars(select(CategoryOverride).where(CategoryOverride.year == year))
        }
        known = KnownKeys.load(session, f"classification:{year}:")
        for code, record in result.iterrows():
            provider = providers[str(code)]
            override = overrides.get(provider.id)
            category = override.category if override else int(record["category"])
            values: dict[str, Any] = {
                "reference_start": period.start,
                "reference_end": period.end,
                "clients": int(record["clients"]),
                "municipalities": int(record["municipalities"]),
                "revenue": Decimal(str(record["revenue"])).quantize(Decimal("0.01")),
                "points": _points(record),
                "score": Decimal(str(record["score"])).quantize(Decimal("0.1")),
                "computed_category": int(record["category"]),
                "category": category,
                "meeting_months": cfg.classification.categories[category - 1].meeting_months,
                "warnings": list(record["warnings"]),
            }
            row = existing.get(provider.id)
            if row is not None and all(getattr(row, k) == v for k, v in values.items()):
                summary.unchanged += 1
                continue
            if override:
                summary.overridden += 1
            is_new = row is None
            letter_due = is_new or (row.category, row.meeting_months) != (
                values["category"],
                values["meeting_months"],
            )
            if row is None:
                row = ClassificationRow(provider_id=provider.id, year=year, revision=0, **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            row.revision += 1
            row.as_of = as_of
            if is_new:
                summary.new += 1
            else:
                summary.changed += 1
            summary.changed_codes.append(provider.code)
            if record_classification(
                session,
                cfg,
                provider,
                row,
                override,
                as_of,
                actor,
                letter=letter_due or not cfg.classification.letter_on_change_only,
                known=known,
            ):
                summary.letters += 1
        uow.commit()
    return summary
