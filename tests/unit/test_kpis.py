"""KPI attainment and benchmark on a small data set computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from clm.errors import ConfigError
from clm.rules.config import Kpi, parse_config
from clm.rules.kpis import (
    attainment,
    attainment_by_care_type,
    benchmark,
    declaration_values,
    quarters_back,
)

SATISFACTION = Kpi(
    code="tevr",
    label="Tevredenheid",
    unit="cijfer",
    direction="higher",
    norms={2025: 7, 2026: 7.5},
    obligation_from=2026,
)
WAITING = Kpi(code="wacht", label="Wachttijd", unit="weken", direction="lower", norm=6)
CLIENTS = Kpi(
    code="clienten",
    label="Cliënten",
    unit="aantal",
    direction="higher",
    source="declarations",
    measure="clients",
)
MONTHS = Kpi(
    code="duur",
    label="Maanden per cliënt",
    unit="maanden",
    direction="lower",
    source="declarations",
    measure="months_per_client",
)
KPIS = [SATISFACTION, WAITING]
NAN = float("nan")


def _values() -> pd.DataFrame:
    rows = [
        (1, "2026-Q2", "tevr", 8.0),
        (2, "2026-Q2", "tevr", 7.0),
        (3, "2026-Q2", "tevr", 7.5),
        (4, "2026-Q2", "tevr", 6.0),
        (5, "2026-Q2", "tevr", 9.0),
        (1, "2026-Q2", "wacht", 5.0),
        (2, "2026-Q2", "wacht", NAN),  # geen gegevens
        (3, "2026-Q2", "wacht", 7.0),
        (1, "2026-Q1", "tevr", 7.0),
        (1, "2025-Q2", "tevr", 6.0),
        (1, "2025-Q1", "tevr", 1.0),  # five quarters back: outside the mean of four
    ]
    return pd.DataFrame(rows, columns=["provider_id", "quarter", "kpi_code", "value"])


MEMBERS = pd.DataFrame(
    [(1, "AMB"), (2, "AMB"), (3, "AMB"), (4, "AMB"), (4, "DAG"), (5, "DAG")],
    columns=["provider_id", "care_type"],
)


def test_norm_per_year_and_obligation() -> None:
    assert SATISFACTION.norm_for(2024) is None  # norms from 2025
    assert SATISFACTION.norm_for(2025) == 7
    assert SATISFACTION.norm_for(2027) == 7.5  # the last earlier norm holds
    assert not SATISFACTION.is_obligation(2025) and SATISFACTION.is_obligation(2026)
    assert WAITING.norm_for(2020) == 6 and not WAITING.is_obligation(2030)


def test_attainment_meets_and_breaches() -> None:
    scored = attainment(_values(), KPIS).set_index(["provider_id", "quarter", "kpi_code"])
    q2 = "2026-Q2"
    assert scored.loc[(1, q2, "tevr"), "norm"] == 7.5
    assert scored.loc[(3, q2, "tevr"), "met"]  # equal to the norm meets it
    assert not scored.loc[(2, q2, "tevr"), "met"]
    assert scored.loc[(2, q2, "tevr"), "breach"] and scored.loc[(4, q2, "tevr"), "breach"]
    assert not scored.loc[(1, q2, "tevr"), "breach"]
    assert scored.loc[(1, "2025-Q2", "tevr"), "norm"] == 7  # the norm of its own year
    assert not scored.loc[(1, "2025-Q2", "tevr"), "breach"]  # 2025: no obligation yet
    assert pd.isna(scored.loc[(2, q2, "wacht"), "met"])  # no data: neither met nor missed
    assert scored.loc[(1, q2, "wacht"), "met"] and not scored.loc[(3, q2, "wacht"), "met"]
    assert int(scored["breach"].sum()) == 3  # p2 and p4 in 2026-Q2, p1 (7.0) in 2026-Q1


def test_benchmark_against_peers_and_own_history() -> None:
    bench = benchmark(_values(), MEMBERS, KPIS, "2026-Q2")
    amb = bench[(bench.care_type == "AMB") & (bench.kpi_code == "tevr")].set_index("provider_id")
    # AMB: 6, 7, 7.5, 8 -> quartiles with linear interpolation
    assert amb.loc[1, "q1"] == pytest.approx(6.75)
    assert amb.loc[1, "median"] == pytest.approx(7.25)
    assert amb.loc[1, "q3"] == pytest.approx(7.625)
    assert amb.loc[1, "n"] == 4
    assert amb.loc[1, "quartile"] == 1  # above Q3, higher is better: the best quarter
    assert amb.loc[4, "quartile"] == 4  # at or below Q1: the weakest quarter
    assert amb.loc[2, "quartile"] == 3  # between Q1 and the median
    assert amb.loc[1, "previous"] == 7.0
    assert amb.loc[1, "mean_4q"] == pytest.approx(6.5)  # 2025-Q2 and 2026-Q1
    assert math.isnan(amb.loc[2, "previous"])
    dag = bench[(bench.care_type == "DAG") & (bench.kpi_code == "tevr")].set_index("provider_id")
    assert dag.loc[4, "median"] == pytest.approx(7.5) and dag.loc[5, "q3"] == pytest.approx(8.25)
    wait = bench[(bench.care_type == "AMB") & (bench.kpi_code == "wacht")].set_index("provider_id")
    assert wait.loc[1, "median"] == pytest.approx(6.0)  # 5 and 7; the missing one left out
    assert wait.loc[1, "quartile"] == 1  # lower is better: 5 is the best
    assert wait.loc[3, "quartile"] == 4


def test_attainment_per_care_type() -> None:
    table = attainment_by_care_type(benchmark(_values(), MEMBERS, KPIS, "2026-Q2"))
    table = table.set_index(["care_type", "kpi_code"])
    assert table.loc[("AMB", "tevr"), "delivered"] == 4
    assert table.loc[("AMB", "tevr"), "met"] == 2
    assert table.loc[("AMB", "tevr"), "share_met"] == pytest.approx(0.5)
    assert table.loc[("AMB", "wacht"), "delivered"] == 2
    assert table.loc[("AMB", "wacht"), "share_met"] == pytest.approx(0.5)
    assert table.loc[("DAG", "tevr"), "met"] == 1  # 6 misses, 9 meets


def test_kpis_from_declarations() -> None:
    declarations = pd.DataFrame(
        [
            (1, "a", "GM0034", "2026-04-01", 100.0),
            (1, "a", "GM0034", "2026-05-01", 100.0),
            (1, "b", "GM0303", "2026-04-01", 50.0),
            (1, "b", "GM0303", "2026-07-01", 50.0),  # next quarter
            (2, "c", "GM0034", "2026-06-01", 10.0),
        ],
        columns=["provider_id", "client_ref", "municipality_code", "period", "amount"],
    )
    values = declaration_values(declarations, [SATISFACTION, CLIENTS, MONTHS], "2026-Q2")
    got = values.set_index(["provider_id", "kpi_code"])["value"]
    assert got[(1, "clienten")] == 2 and got[(2, "clienten")] == 1
    assert got[(1, "duur")] == pytest.approx(1.5)  # three client-months for two clients
    assert "tevr" not in set(values["kpi_code"])  # from the data sheet, not computed


def test_quarters_back_crosses_the_year() -> None:
    assert quarters_back("2026-Q2", 4) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


@pytest.mark.parametrize(
    ("kpi", "message"),
    [
        ({"source": "declarations"}, "kpis.0: measure: verplicht"),
        ({"measure": "clients"}, "kpis.0: measure: alleen bij source"),
        ({"obligation_from": 2026}, "kpis.0: obligation_from: geen norm voor 2026"),
        ({"norms": {1999: 3}}, "kpis.0.norms.1999.[key]"),
    ],
)
def test_kpi_config_errors_name_the_key(cfg_data: dict, kpi: dict, message: str) -> None:
    cfg_data["kpis"] = [{"code": "x", "label": "X", "unit": "aantal", "direction": "higher", **kpi}]
    with pytest.raises(ConfigError, match="region.yaml") as err:
        parse_config(cfg_data, "region.yaml")
    assert message in str(err.value)


@pytest.fixture
def cfg_data() -> dict:
    import yaml

    from clm.settings import PROJECT_DIR

    return yaml.safe_load((PROJECT_DIR / "config" / "region.yaml").read_text(encoding="utf-8"))


def test_peer_text_hides_a_median_of_too_few_providers() -> None:
    """With two providers a median is their mean: it would give the other's figure away."""
    from clm.services.followup import _peer_text

    rows = pd.DataFrame(
        [
            {"care_type": "AMB", "n": 2, "median": 7.0, "quartile": 1, "value": 8.0},
            {"care_type": "DAG", "n": 3, "median": 7.0, "quartile": 4, "value": 5.0},
            {"care_type": "GGZ", "n": 5, "median": 4.0, "quartile": 1, "value": 4.0},
        ]
    )
    assert _peer_text(rows) == (
        "AMB: te weinig aanbieders om te vergelijken; "
        "DAG: mediaan 7,0 (3 aanbieders), bij de zwakste 25%; "
        "GGZ: mediaan 4,0 (5 aanbieders), gelijk aan de mediaan"
    )
    assert _peer_text(rows.iloc[0:0]) == "—"
