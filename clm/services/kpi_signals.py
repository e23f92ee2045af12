"""Signals from KPI figures: a value far from its norm, or a missed result obligation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from clm.numbers import format_value
from clm.rules.config import Kpi, RegionConfig
from clm.rules.kpis import misses_norm
from clm.rules.quarters import quarter_year
from clm.rules.vocabulary import SignalKind
from clm.services.amendments import terms_in_force
from clm.storage.models import Provider
from clm.storage.signals import raise_signal


def far_from_norm(
    cfg: RegionConfig, values: dict[str, Decimal | None], quarter: str
) -> list[tuple[Kpi, Decimal]]:
    """Delivered KPIs more than the configured margin on the wrong side of their norm."""
    margin = Decimal(str(cfg.escalation.kpi_signal_margin_percent)) / 100
    found = []
    for kpi in cfg.kpis:
        value, norm = values.get(kpi.code), kpi.norm_for(quarter)
        if value is None or norm is None:
            continue
        limit = Decimal(str(norm))
        if (kpi.direction == "higher" and value < limit * (1 - margin)) or (
            kpi.direction == "lower" and value > limit * (1 + margin)
        ):
            found.append((kpi, value))
    return found


def obligation_breaches(
    cfg: RegionConfig, values: dict[str, Decimal | None], quarter: str
) -> list[tuple[Kpi, Decimal]]:
    """KPIs whose norm is a result obligation in the quarter's year and that miss it."""
    year = quarter_year(quarter)
    return [
        (kpi, value)
        for kpi in cfg.kpis
        if kpi.is_obligation(year)
        and (value := values.get(kpi.code)) is not None
        and misses_norm(kpi, float(value), quarter)
    ]


def raise_kpi_signals(
    session: Session,
    cfg: RegionConfig,
    provider: Provider,
    quarter: str,
    values: dict[str, Decimal | None],
    as_of: date,
    source: str,
    *,
    far: bool = True,
) -> int:
    """One signal per missed result obligation and, for the other KPIs, one per value far
    from its norm; keyed by provider, quarter and KPI, so a rerun or a second source (the
    data sheet, then the regional analysis) raises nothing twice. ``far=False`` raises only
    the obligation signals. Returns how many were new."""
    cfg = terms_in_force(session, cfg)  # a norm changed by an amendment counts from its date
    new = 0
    breaches = obligation_breaches(cfg, values, quarter)
    for kpi, value in breaches:
        norm = format_value(kpi.norm_for(quarter), kpi.unit)
        new += raise_signal(
            session,
            cfg,
            key=f"obligation:{provider.code}:{quarter}:{kpi.code}",
            provider=provider,
            kind=SignalKind.QUALITY,
            source=source,
            description=f"Resultaatverplichting niet gehaald: {kpi.label} {quarter} "
            f"{format_value(value, kpi.unit)} tegen een norm van {norm} ({kpi.unit})",
            as_of=as_of,
            subject=f"Signaal: resultaatverplichting {kpi.label} {provider.name}",
        )
    breached = {kpi.code for kpi, _ in breaches}
    for kpi, value in far_from_norm(cfg, values, quarter) if far else []:
        if kpi.code in breached:
            continue  # the obligation signal says it already
        new += raise_signal(
            session,
            cfg,
            key=f"kpi:{provider.code}:{quarter}:{kpi.code}",
            provider=provider,
            kind=SignalKind.QUALITY,
            source=source,
            description=f"{kpi.label} {quarter}: {format_value(value, kpi.unit)} tegen een "
            f"norm van {format_value(kpi.norm_for(quarter), kpi.unit)} ({kpi.unit})",
            as_of=as_of,
            subject=f"Signaal: {kpi.label} {provider.name} ver van de norm",
        )
    return new
