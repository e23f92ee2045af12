"""Computing the yearly classification: each provider's points, score and category from the
year's clients, municipalities, regional revenue and judged scores."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, cast, func, select

from clm.errors import MissingJudgedScores
from clm.rules.classification import classify, factual_figures, providers_missing_judged
from clm.rules.commands import ReferencePeriod
from clm.rules.config import RegionConfig
from clm.services.subcontracting import count_for_main, subcontractor_only
from clm.storage.db import UnitOfWork
from clm.storage.models import Declaration, JudgedScore, Provider


def compute_classification(
    uow: UnitOfWork,
    cfg: RegionConfig,
    year: int,
    period: ReferencePeriod,
    provider_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Classify every active provider (or those of ``provider_codes``) for ``year``; reads
    only, writes nothing.

    Raises :class:`MissingJudgedScores` when providers lack judged scores and the config
    does not allow classifying without them.
    """
    with uow:
        conn = uow.session.connection()
        providers = pd.read_sql(
            select(Provider.id, Provider.code, Provider.name)
            .where(Provider.active)
            .where(Provider.code.in_(provider_codes) if provider_codes is not None else True)
            .order_by(Provider.code),
            conn,
        )
        # The database first sums the months per provider, client and municipality: the
        # distinct counts and the revenue pandas computes from that are the same, and a
        # region's year of declarations shrinks about tenfold before it leaves the database.
        declarations = pd.read_sql(
            select(
                Declaration.provider_id,
                Declaration.client_ref,
                Declaration.municipality_code,
                func.sum(cast(Declaration.amount, Float)).label("amount"),
            )
            .where(Declaration.period.between(period.start, period.end))
            .group_by(
                Declaration.provider_id, Declaration.client_ref, Declaration.municipality_code
            ),
            conn,
        )
        # a subcontractor's declarations count for its main contractor (seed 001); one
        # without a contract of its own is not classified, its main contractor is
        declarations = count_for_main(
            uow.session, declarations, period.start, period.end, ["client_ref", "municipality_code"]
        )
        only_sub = subcontractor_only(uow.session, period.start, period.end)
        providers = providers[~providers["id"].isin(only_sub)].reset_index(drop=True)
        judged = pd.read_sql(
            select(
                Provider.code,
                JudgedScore.specialisation,
                JudgedScore.information,
                JudgedScore.political_importance,
            )
            .join(Provider, Provider.id == JudgedScore.provider_id)
            .where(JudgedScore.year == year),
            conn,
        ).set_index("code")

    codes = providers["code"].tolist()
    missing = providers_missing_judged(judged, codes)
    if missing and not cfg.classification.allow_missing_judged:
        names = providers.set_index("code")["name"]
        raise MissingJudgedScores(year, [f"{c} {names[c]}" for c in missing])

    figures = factual_figures(declarations, providers["id"].tolist(), by="provider_id")
    figures.index = pd.Index(codes, name="provider_code")
    result = classify(figures, judged, cfg.classification)
    result.insert(0, "name", providers["name"].to_numpy())
    return result
