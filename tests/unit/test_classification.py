"""The scoring model: band edges, weights, rounding, missing data, categories."""

from __future__ import annotations

import pandas as pd
import pytest

from clm.rules.classification import (
    WARN_NO_DECLARATIONS,
    WARN_NO_JUDGED,
    band_points,
    classify,
    factual_figures,
    providers_missing_judged,
    round_score,
)
from clm.rules.config import Classification, RegionConfig


def _decl(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["provider_code", "client_ref", "municipality_code", "amount"]
    )


def _judged(**scores: tuple[int, int, int]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(
        scores, orient="index", columns=["specialisation", "information", "political_importance"]
    )


@pytest.mark.parametrize(
    ("clients", "points"),
    [(0, 1), (4, 1), (5, 2), (9, 2), (10, 3), (249, 9), (250, 10), (10_000, 10)],
)
def test_client_band_edges(cfg: RegionConfig, clients: int, points: int) -> None:
    result = band_points(pd.Series([clients]), cfg.classification.criteria.clients)
    assert result.iloc[0] == points


@pytest.mark.parametrize(
    ("revenue", "points"),
    [(49_999.99, 1), (50_000.00, 2), (99_999.995, 3), (4_999_999.99, 9), (5_000_000, 10)],
)
def test_revenue_band_edges_to_the_cent(cfg: RegionConfig, revenue: float, points: int) -> None:
    result = band_points(pd.Series([revenue]), cfg.classification.criteria.revenue)
    assert result.iloc[0] == points


def test_factual_figures_count_distinct_clients_and_municipalities() -> None:
    decl = _decl(
        [
            ("A", "c1", "GM0034", 100.0),
            ("A", "c1", "GM0034", 50.5),  # same client, another month
            ("A", "c2", "GM0303", 10.25),
            ("B", "c1", "GM0034", 1.0),  # the same pseudonym at another provider counts there
        ]
    )
    fig = factual_figures(decl, ["A", "B", "C"])
    assert fig.loc["A", ["clients", "municipalities"]].tolist() == [2, 2]
    assert fig.loc["A", "revenue"] == pytest.approx(160.75)
    assert fig.loc["B", "clients"] == 1
    assert fig.loc["C"].tolist() == [0, 0, 0.0, False]


def test_weighted_score_by_hand(cfg: RegionConfig) -> None:
    # A: 2 clients → 1 pt (w2); 2 municipalities → 3 pts (w1); €300.000 → 4 pts (w2);
    # judged 8, 7, 9 (w1 each): (2 + 3 + 8 + 24) / 8 = 4.625 → 4.6 → category 3.
    decl = _decl([("A", "a", "GM0034", 100_000.0), ("A", "b", "GM0303", 200_000.0)])
    result = classify(factual_figures(decl, ["A"]), _judged(A=(8, 7, 9)), cfg.classification)
    row = result.loc["A"]
    assert [row[f"points_{k}"] for k in ("clients", "municipalities", "revenue")] == [1, 3, 4]
    assert row["score"] == 4.6
    assert row["category"] == 3
    assert row["meeting_months"] == [4, 10]
    assert row["meetings_per_year"] == 2
    assert row["warnings"] == []


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [(7.95, 8.0), (7.949, 7.9), (5.05, 5.1), (4.625, 4.6), (1.0, 1.0), (9.99, 10.0)],
)
def test_rounding_is_half_up(raw: float, rounded: float) -> None:
    assert round_score(pd.Series([raw])).iloc[0] == rounded


@pytest.mark.parametrize(
    ("points", "category"),
    [(10, 1), (8, 1), (7, 2), (6, 2), (5, 3), (4, 3), (3, 4), (1, 4)],
)
def test_category_band_edges(cfg: RegionConfig, points: int, category: int) -> None:
    # A model whose factual bands give `points` for any value: every criterion then scores
    # `points`, so the weighted score is exactly `points`, right on the band edges.
    data = cfg.classification.model_dump(by_alias=True)
    for key in ("clients", "municipalities", "revenue"):
        data["criteria"][key]["bands"] = [{"from": 0, "points": points}]
    model = Classification.model_validate(data)
    figures = factual_figures(_decl([("A", "c", "GM0034", 1.0)]), ["A"])
    result = classify(figures, _judged(A=(points,) * 3), model)
    assert result.loc["A", "score"] == float(points)
    assert result.loc["A", "category"] == category


def test_score_just_below_an_edge_stays_in_the_lower_category(cfg: RegionConfig) -> None:
    assert cfg.classification.category_for(7.9).number == 2
    assert cfg.classification.category_for(8.0).number == 1
    assert cfg.classification.category_for(5.9).number == 3
    assert cfg.classification.category_for(3.9).number == 4
    assert cfg.classification.category_for(1.0).number == 4


def test_provider_without_declarations(cfg: RegionConfig) -> None:
    result = classify(
        factual_figures(_decl([]), ["A"]), _judged(A=(10, 10, 10)), cfg.classification
    )
    row = result.loc["A"]
    assert [row["clients"], row["municipalities"], row["revenue"]] == [0, 0, 0.0]
    assert [row[f"points_{k}"] for k in ("clients", "municipalities", "revenue")] == [1, 1, 1]
    # (1*2 + 1 + 1*2 + 30) / 8 = 4.375 → 4.4
    assert row["score"] == 4.4
    assert row["warnings"] == [WARN_NO_DECLARATIONS]


def test_missing_judged_scores_are_left_out_not_zero(cfg: RegionConfig) -> None:
    decl = _decl([("A", f"c{i}", "GM0034", 1_000_000 / 60) for i in range(60)])
    result = classify(factual_figures(decl, ["A"]), _judged(), cfg.classification)
    row = result.loc["A"]
    assert pd.isna(row["points_specialisation"])
    # only the factual criteria: clients 6 (w2), 1 municipality 1 (w1), €1.000.000 7 (w2)
    assert row["score"] == round_score(pd.Series([(12 + 1 + 14) / 5])).iloc[0] == 5.4
    assert WARN_NO_JUDGED in row["warnings"]
    assert providers_missing_judged(_judged(), ["A"]) == ["A"]
    assert providers_missing_judged(_judged(A=(1, 2, 3)), ["A"]) == []


def test_some_judged_scores_missing_is_named_as_such(cfg: RegionConfig) -> None:
    """Only the political importance scored: the score is not 'only factual', and the
    warning names the criteria that are missing."""
    decl = _decl([("A", f"c{i}", "GM0034", 1_000_000 / 60) for i in range(60)])
    judged = pd.DataFrame(
        {"specialisation": [None], "information": [None], "political_importance": [8]},
        index=["A"],
    )
    row = classify(factual_figures(decl, ["A"]), judged, cfg.classification).loc["A"]
    assert WARN_NO_JUDGED not in row["warnings"]
    (warning,) = row["warnings"]
    labels = [
        cfg.classification.criteria.specialisation.label.lower(),
        cfg.classification.criteria.information.label.lower(),
    ]
    assert warning.startswith("niet alle beoordeelde criteria ingevuld, ontbreekt: ")
    assert all(label in warning for label in labels)
    # (12 + 1 + 14 + 8 * w) / (5 + w), the political weight w from the config
    w = cfg.classification.criteria.political_importance.weight
    assert row["score"] == round_score(pd.Series([(27 + 8 * w) / (5 + w)])).iloc[0]
