"""The yearly classification model (seed 000): criteria points, score 1-10, category.

Pure functions over pandas frames, shared by the flow (data from the database) and the
``clm classify`` preview (data from files). The model itself is configuration.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clm.rules.config import FACTUAL, JUDGED, Classification, Criterion

CRITERIA = FACTUAL + JUDGED
FIGURE_COLUMNS = ("clients", "municipalities", "revenue")
WARN_NO_DECLARATIONS = "geen declaraties in de referentieperiode: feitelijke criteria op 0"
WARN_NO_JUDGED = "geen beoordeelde criteria (geen gegevens): score alleen op feitelijke criteria"
WARN_SOME_JUDGED = "niet alle beoordeelde criteria ingevuld, ontbreekt"


def factual_figures(
    declarations: pd.DataFrame, providers: list, by: str = "provider_code"
) -> pd.DataFrame:
    """Clients, municipalities and revenue per provider from declarations of the period.

    ``declarations`` needs the columns ``by`` (the provider key), client_ref, municipality_code
    and amount. Every provider in ``providers`` gets a row; ``has_declarations`` tells which
    had any.
    """
    grouped = declarations.groupby(by, sort=False).agg(
        clients=("client_ref", "nunique"),
        municipalities=("municipality_code", "nunique"),
        revenue=("amount", "sum"),
    )
    index = pd.Index(providers, name=by)
    figures = grouped.reindex(index)
    figures["has_declarations"] = figures["clients"].notna()
    figures = figures.fillna({"clients": 0, "municipalities": 0, "revenue": 0.0})
    figures["clients"] = figures["clients"].astype("int64")
    figures["municipalities"] = figures["municipalities"].astype("int64")
    figures["revenue"] = figures["revenue"].astype("float64").round(2)
    return figures


def band_points(values: pd.Series, criterion: Criterion) -> pd.Series:
    """Points 1-10 for each value: the band with the highest 'from' at or below the value."""
    assert criterion.bands is not None
    starts = np.array([b.from_value for b in criterion.bands])
    points = np.array([b.points for b in criterion.bands])
    # Revenue is compared to the cent, so a float sum like 49999.999999 stays below 50000.
    position = np.searchsorted(starts, values.to_numpy(dtype="float64").round(2), side="right") - 1
    return pd.Series(points[position.clip(min=0)], index=values.index, dtype="Int64")


def round_score(raw: pd.Series) -> pd.Series:
    """One decimal, halves upward (7.95 → 8.0), unlike Python's round-half-even."""
    # The small offset absorbs binary noise such as 7.9499999999 for a true 7.95.
    return np.floor(raw * 10 + 0.5 + 1e-9) / 10


def classify(
    figures: pd.DataFrame,
    judged: pd.DataFrame,
    model: Classification,
) -> pd.DataFrame:
    """Points per criterion, weighted score, category and meetings for every provider.

    ``figures`` comes from :func:`factual_figures`; ``judged`` is indexed by provider_code with
    the three judged criteria (1-10), missing rows or values meaning 'geen gegevens'. A missing
    criterion is left out of the weighted mean, never counted as zero; the caller decides
    whether that is allowed (``allow_missing_judged``).
    """
    out = figures.copy()
    judged = judged.reindex(out.index)
    for key in FACTUAL:
        out[f"points_{key}"] = band_points(out[key], getattr(model.criteria, key))
    for key in JUDGED:
        out[f"points_{key}"] = judged[key].astype("Int64") if key in judged else pd.NA

    weights = pd.Series({key: getattr(model.criteria, key).weight for key in CRITERIA})
    points = out[[f"points_{k}" for k in CRITERIA]].astype("float64")
    points.columns = list(CRITERIA)
    present = points.notna()
    weighted_sum = (points.fillna(0) * weights).sum(axis=1)
    weight_total = (present * weights).sum(axis=1)
    out["score"] = round_score(weighted_sum / weight_total)

    starts = [c.min_score for c in model.categories]
    numbers = [c.number for c in model.categories]
    out["category"] = np.select([out["score"] >= s for s in starts], numbers, default=numbers[-1])
    months = {c.number: c.meeting_months for c in model.categories}
    out["meeting_months"] = out["category"].map(months)
    out["meetings_per_year"] = out["meeting_months"].map(len)

    judged_present = present[list(JUDGED)]
    labels = {k: getattr(model.criteria, k).label.lower() for k in JUDGED}
    warnings: list[list[str]] = [[] for _ in range(len(out))]
    for i, (no_decl, have) in enumerate(
        zip(~out["has_declarations"], judged_present.itertuples(index=False), strict=True)
    ):
        if no_decl:
            warnings[i].append(WARN_NO_DECLARATIONS)
        missing = [labels[k] for k, there in zip(JUDGED, have, strict=True) if not there]
        if len(missing) == len(JUDGED):
            warnings[i].append(WARN_NO_JUDGED)
        elif missing:  # some judged scores, not all: the score is not only factual
            warnings[i].append(
                f"{WARN_SOME_JUDGED}: {', '.join(missing)}; de score telt zonder die criteria"
            )
    out["warnings"] = warnings
    return out


def providers_missing_judged(judged: pd.DataFrame, provider_codes: list[str]) -> list[str]:
    """The providers of ``provider_codes`` that lack one or more judged scores."""
    judged = judged.reindex(pd.Index(provider_codes))
    return sorted(judged.index[judged[list(JUDGED)].isna().any(axis=1)].tolist())
