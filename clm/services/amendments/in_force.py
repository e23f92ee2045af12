"""The contract terms in force on a day: an applied norm or KPI counts in the figures from its
date on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.rules.amendments import ChangeKind, first_quarter_from
from clm.rules.config import RegionConfig
from clm.storage.models import ContractTerm


def terms_in_force(session: Session, cfg: RegionConfig, as_of: date | None = None) -> RegionConfig:
    """``cfg`` with the KPI norms and wordings that applied amendments changed: a norm counts
    from the first whole quarter on or after its date (a quarter's figures cover the whole
    quarter); a KPI's new wording once its date has come (``as_of``, default: always).
    Read once per unit of work (a preparation asks for every meeting)."""
    key = (TERMS_CACHE, id(cfg), as_of)
    if key not in session.info:
        session.info[key] = _terms_in_force(session, cfg, as_of)
    return session.info[key]


TERMS_CACHE = "terms-in-force"


def _terms_in_force(session: Session, cfg: RegionConfig, as_of: date | None) -> RegionConfig:
    rows = session.execute(
        select(
            ContractTerm.change_kind,
            ContractTerm.target,
            ContractTerm.value,
            ContractTerm.effective_from,
        )  # fmt: skip
        .where(ContractTerm.change_kind.in_([ChangeKind.NORM, ChangeKind.KPI]))
        .order_by(ContractTerm.effective_from, ContractTerm.version)
    ).all()
    if not rows:
        return cfg
    norms: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for kind, target, value, start in rows:
        if kind == ChangeKind.NORM:
            norms.setdefault(target, {})[first_quarter_from(start)] = float(value)
        elif as_of is None or start <= as_of:
            labels[target] = value
    kpis = [
        k.model_copy(
            update={
                "amended_norms": {**k.amended_norms, **norms.get(k.code, {})},
                "label": labels.get(k.code, k.label),
            }
        )
        for k in cfg.kpis
    ]
    return cfg.model_copy(update={"kpis": kpis})
