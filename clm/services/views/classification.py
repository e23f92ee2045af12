"""The classification table: the stored classification of a year, one row per provider, with
an override's decider and its latest escalation."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_month
from clm.rules.classification import CRITERIA
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EscalationStatus
from clm.storage.db import UnitOfWork
from clm.storage.models import CategoryOverride, ClassificationRow, Escalation, Provider


def classification_table(uow: UnitOfWork, cfg: RegionConfig, year: int) -> pd.DataFrame:
    """The stored classification of ``year``, one row per provider, for artifacts and export."""
    with uow:
        rows = uow.session.execute(
            select(ClassificationRow, Provider.code, Provider.name, CategoryOverride.decided_by)
            .join(Provider, Provider.id == ClassificationRow.provider_id)
            .outerjoin(
                CategoryOverride,
                (CategoryOverride.provider_id == Provider.id) & (CategoryOverride.year == year),
            )
            .where(ClassificationRow.year == year)
            .order_by(Provider.code)
        ).all()
        escalations = _escalation_texts(uow.session)
        frame = pd.DataFrame.from_records([_table_record(cfg, *r) for r in rows])
        if not frame.empty:
            frame["escalation"] = [escalations.get(r[0].provider_id, "") for r in rows]
        return frame


def _escalation_texts(session: Session) -> dict[int, str]:
    """Per provider its latest escalation: the step it is on, or when and why it closed."""
    texts: dict[int, str] = {}
    for esc in session.scalars(select(Escalation).order_by(Escalation.opened_on)):
        texts[esc.provider_id] = (
            f"trede {esc.current_step} (open sinds {esc.opened_on:%d-%m-%Y})"
            if esc.status == EscalationStatus.OPEN
            else f"gesloten {esc.closed_on:%d-%m-%Y}: {esc.close_reason}"
        )
    return texts


def _table_record(
    cfg: RegionConfig, row: ClassificationRow, code: str, name: str, decided_by: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": code,
        "name": name,
        "clients": row.clients,
        "municipalities": row.municipalities,
        "revenue": float(row.revenue),
    }
    for key in CRITERIA:
        record[f"points_{key}"] = row.points.get(key)
    record.update(
        {
            "score": float(row.score),
            "computed_category": row.computed_category,
            "category": row.category,
            "meetings_per_year": len(row.meeting_months),
            "months": ", ".join(dutch_month(m) for m in row.meeting_months),
            "overridden_by": decided_by or "",
            "warnings": "; ".join(row.warnings),
        }
    )
    return record
