"""The provider table: every active provider with what staff look up in a form (AGB code,
name, lots, category, contract manager, contact)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from clm.clock import today_in_region
from clm.rules import labels
from clm.rules.config import RegionConfig
from clm.rules.contracts import term_text
from clm.services.contracts import terms_by_provider
from clm.services.subcontracting import relations
from clm.storage.db import UnitOfWork
from clm.storage.models import ClassificationRow, Provider


def provider_table(uow: UnitOfWork, cfg: RegionConfig) -> pd.DataFrame:
    """Every active provider with what staff look up in a form: AGB code, name, lots, the
    category of the latest classification, contract manager and contact (``labels.PROVIDERS``)."""
    names = {s.key: s.name for s in cfg.staff}
    with uow:
        session = uow.session
        latest = session.scalar(select(func.max(ClassificationRow.year)))
        categories = dict(
            session.execute(
                select(ClassificationRow.provider_id, ClassificationRow.category).where(
                    ClassificationRow.year == latest
                )
            ).all()
        )
        terms = terms_by_provider(session)
        today = today_in_region()
        named = dict(session.execute(select(Provider.id, Provider.name)).all())
        roles: dict[int, list[str]] = {}
        for r in relations(session, today, today).itertuples():
            roles.setdefault(r.sub_id, []).append(f"onderaannemer van {named[r.main_id]} ({r.lot})")
            roles.setdefault(r.main_id, []).append(f"hoofdaannemer van {named[r.sub_id]} ({r.lot})")
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "care_types": ", ".join(c.strip() for c in p.care_types.split(",") if c.strip()),
                "contracts": "; ".join(
                    [term_text(t, today) for t in terms.get(p.id, [])] + roles.get(p.id, [])
                )
                or "niet in het register",
                "category": categories.get(p.id),
                "year": latest,
                "contract_manager": names.get(p.contract_manager, p.contract_manager),
                "contact": f"{p.contact_name} <{p.contact_email}>",
            }
            for p in session.scalars(
                select(Provider).where(Provider.active.is_(True)).order_by(Provider.name)
            )
        ]
    frame = pd.DataFrame(rows, columns=list(labels.PROVIDERS))
    frame["category"] = frame["category"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame
