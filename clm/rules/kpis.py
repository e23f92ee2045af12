"""KPIs against their norms and against the other providers (benchmark), with pandas.

Plain functions on data frames, so the figures can be checked by hand: ``values`` holds one row
per provider, quarter and KPI (``provider_id``, ``quarter``, ``kpi_code``, ``value``; a missing
value is NaN and reads 'geen gegevens', it is never scored as zero). ``memberships`` says which
care types (lots) a provider is contracted for (``provider_id``, ``care_type``); a provider in
two lots is compared within both.
"""

from __future__ import annotations

import math

import pandas as pd

from clm.rules.config import Kpi
from clm.rules.quarters import Quarter, quarter_year

VALUE_COLUMNS = ["provider_id", "quarter", "kpi_code", "value"]


def quarter_months(quarter: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day of the first and of the last month of a quarter."""
    first = pd.Timestamp(Quarter.parse(quarter).first_day)
    return first, first + pd.DateOffset(months=2)


def quarters_back(quarter: str, count: int) -> list[str]:
    """``count`` quarters ending with ``quarter``, oldest first."""
    return [str(q) for q in Quarter.parse(quarter).back(count)]


def misses_norm(kpi: Kpi, value: float | None, period: int | str) -> bool | None:
    """True when ``value`` is on the wrong side of the norm of ``period`` (a quarter, or a
    year); None without either."""
    norm = kpi.norm_for(period)
    if value is None or norm is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) < norm if kpi.direction == "higher" else float(value) > norm


def attainment(values: pd.DataFrame, kpis: list[Kpi]) -> pd.DataFrame:
    """Each value with the norm of its quarter, whether it meets it, and whether that is a
    result obligation (``breach``: an obligation missed)."""
    by_code = {k.code: k for k in kpis}
    out = values[values["kpi_code"].isin(by_code)].copy()
    years = out["quarter"].map(quarter_year)
    quarters = out["quarter"]
    out["norm"] = [by_code[c].norm_for(q) for c, q in zip(out["kpi_code"], quarters, strict=True)]
    out["norm"] = out["norm"].astype("float64")
    missed = [
        misses_norm(by_code[c], v, q)
        for c, v, q in zip(out["kpi_code"], out["value"], quarters, strict=True)
    ]
    out["met"] = pd.array([None if m is None else not m for m in missed], dtype="boolean")
    out["obligation"] = [
        by_code[c].is_obligation(y) for c, y in zip(out["kpi_code"], years, strict=True)
    ]
    out["breach"] = out["obligation"] & (out["met"] == False).fillna(False)  # noqa: E712
    return out


def peer_stats(values: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """Per quarter, care type and KPI: providers with a value, median and quartiles."""
    joined = values.dropna(subset=["value"]).merge(memberships, on="provider_id")
    grouped = joined.groupby(["quarter", "care_type", "kpi_code"])["value"]
    return pd.DataFrame(
        {
            "n": grouped.count(),
            "q1": grouped.quantile(0.25),
            "median": grouped.median(),
            "q3": grouped.quantile(0.75),
        }
    ).reset_index()


def benchmark(
    values: pd.DataFrame, memberships: pd.DataFrame, kpis: list[Kpi], quarter: str
) -> pd.DataFrame:
    """Each provider's figures of ``quarter`` per care type: the value against the norm, its
    own previous quarter and the mean of its four quarters before, and the other providers
    in the same care type (median, quartiles, and in which quarter of them it lies)."""
    scored = attainment(values, kpis)
    current = scored[scored["quarter"] == quarter]
    before = quarters_back(quarter, 5)[:-1]
    own = values[values["quarter"].isin(before)].pivot_table(
        index=["provider_id", "kpi_code"], columns="quarter", values="value", aggfunc="first"
    )
    history = pd.DataFrame(
        {
            "previous": own[before[-1]] if before[-1] in own else float("nan"),
            "mean_4q": own.mean(axis=1),
        },
        index=own.index,
    ).reset_index()
    out = current.merge(memberships, on="provider_id").merge(
        history, on=["provider_id", "kpi_code"], how="left"
    )
    peers = peer_stats(current, memberships)
    out = out.merge(peers, on=["quarter", "care_type", "kpi_code"], how="left")
    direction = out["kpi_code"].map({k.code: k.direction for k in kpis})
    out["quartile"] = [
        _quartile(v, q1, med, q3, d)
        for v, q1, med, q3, d in zip(
            out["value"], out["q1"], out["median"], out["q3"], direction, strict=True
        )
    ]
    return out.sort_values(["care_type", "kpi_code", "provider_id"]).reset_index(drop=True)


def _quartile(value: float, q1: float, med: float, q3: float, direction: str) -> int | None:
    """1 = among the best quarter of the peers, 4 = among the weakest (direction-aware)."""
    if any(pd.isna(x) for x in (value, q1, med, q3)):
        return None
    if value <= q1:
        low = 1
    elif value <= med:
        low = 2
    elif value <= q3:
        low = 3
    else:
        low = 4
    return 5 - low if direction == "higher" else low


def attainment_by_care_type(bench: pd.DataFrame) -> pd.DataFrame:
    """Per care type and KPI: providers with a value, how many met the norm, the share met
    (of those with a value and a norm), and the peers' median and quartiles."""
    with_value = bench.dropna(subset=["value"])
    grouped = with_value.groupby(["care_type", "kpi_code"])
    out = pd.DataFrame(
        {
            "delivered": grouped["value"].count(),
            "judged": grouped["met"].count(),
            "met": grouped["met"].sum().astype(int),
            "norm": grouped["norm"].first(),
            "q1": grouped["q1"].first(),
            "median": grouped["median"].first(),
            "q3": grouped["q3"].first(),
        }
    ).reset_index()
    out["share_met"] = (out["met"] / out["judged"]).where(out["judged"] > 0)
    return out


def declaration_values(declarations: pd.DataFrame, kpis: list[Kpi], quarter: str) -> pd.DataFrame:
    """The KPIs computed from a quarter's declarations (``provider_id``, ``client_ref``,
    ``municipality_code``, ``period``, ``amount``), one row per provider and KPI."""
    wanted = [k for k in kpis if k.source == "declarations"]
    if not wanted or declarations.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "value" else "object") for c in VALUE_COLUMNS}
        )
    start, end = quarter_months(quarter)
    period = pd.to_datetime(declarations["period"])
    rows = declarations[(period >= start) & (period <= end)]
    grouped = rows.groupby("provider_id")
    measures = pd.DataFrame(
        {
            "clients": grouped["client_ref"].nunique(),
            "revenue": grouped["amount"].sum().astype(float),
            "municipalities": grouped["municipality_code"].nunique(),
            "months_per_client": rows.drop_duplicates(["provider_id", "client_ref", "period"])
            .groupby("provider_id")
            .size()
            / grouped["client_ref"].nunique(),
        }
    )
    frames = [
        pd.DataFrame(
            {
                "provider_id": measures.index,
                "quarter": quarter,
                "kpi_code": kpi.code,
                "value": measures[kpi.measure].astype(float).to_numpy(),
            }
        )
        for kpi in wanted
    ]
    return pd.concat(frames, ignore_index=True)
