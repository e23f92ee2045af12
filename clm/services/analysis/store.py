"""The regional analysis, part 3: store the report and its pages in the dossier, and raise
the obligation signals the figures show; a rerun with the same figures writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind
from clm.services.analysis.gather import REPORT_KIND, AnalysisData
from clm.services.analysis.report import RenderedReport
from clm.services.kpi_signals import raise_kpi_signals
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import DossierDocument, Provider, Report


@dataclass
class StoreResult:
    """What storing the analysis wrote."""

    report_new: bool
    pages_new: int
    path: str


def report_exists(uow: UnitOfWork, quarter: str, digest: str) -> bool:
    """Whether the report with exactly these figures is stored already."""
    with uow:
        return (
            uow.session.scalar(
                select(Report.id).where(
                    Report.kind == REPORT_KIND, Report.period == quarter, Report.digest == digest
                )
            )
            is not None
        )


def stored_page_digests(uow: UnitOfWork, quarter: str) -> set[str]:
    """Digests of the provider pages of ``quarter`` already in the dossiers."""
    prefix = f"analysis:{quarter}:"
    with uow:
        keys = uow.session.scalars(
            select(DossierDocument.event_key).where(DossierDocument.event_key.like(f"{prefix}%"))
        )
        return {k.rsplit(":", 1)[-1] for k in keys}


def raise_obligation_signals(
    uow: UnitOfWork, cfg: RegionConfig, data: AnalysisData, as_of: date
) -> int:
    """A signal per missed result obligation of the quarter (also for KPIs from the
    declarations); the keys are those of the intake, so nothing is raised twice."""
    current = data.values[data.values["quarter"] == data.quarter].dropna(subset=["value"])
    new = 0
    with uow:
        session = uow.session
        providers = {p.id: p for p in session.scalars(select(Provider).where(Provider.active))}
        for pid, part in current.groupby("provider_id"):
            values = {
                c: Decimal(str(v)) for c, v in zip(part["kpi_code"], part["value"], strict=True)
            }
            new += raise_kpi_signals(
                session,
                cfg,
                providers[int(pid)],
                data.quarter,
                values,
                as_of,
                "regioanalyse",
                far=False,
            )
        uow.commit()
    return new


def store_report(
    uow: UnitOfWork,
    data: AnalysisData,
    rendered: RenderedReport,
    reports_dir: Path,
    as_of: date,
) -> StoreResult:
    """Keep the report (table and ``reports_dir``) and each changed provider page in that
    provider's dossier, in one commit."""
    filename = f"regioanalyse-{data.quarter}.pdf"
    pages_new = 0
    with uow:
        session = uow.session
        report_new = (
            session.scalar(
                select(Report.id).where(
                    Report.kind == REPORT_KIND,
                    Report.period == data.quarter,
                    Report.digest == rendered.digest,
                )
            )
            is None
        )
        if report_new:
            session.add(
                Report(
                    kind=REPORT_KIND,
                    period=data.quarter,
                    digest=rendered.digest,
                    filename=filename,
                    content=rendered.report_pdf,
                    as_of=as_of,
                )
            )
        codes = dict(zip(data.providers["provider_id"], data.providers["code"], strict=True))
        for pid, (digest, pdf) in rendered.provider_pages.items():
            key = f"analysis:{data.quarter}:{codes[pid]}:{digest[:16]}"
            if not pdf or not record_event(
                session,
                key=key,
                provider_id=pid,
                kind=EventKind.REGIONAL_ANALYSIS,
                actor="regional-analysis",
                as_of=as_of,
                summary=f"Regioanalyse {data.quarter}: eigen pagina (prestaties tegen norm en "
                "andere aanbieders)",
                data={"quarter": data.quarter},
            ):
                continue
            session.add(
                DossierDocument(
                    event_key=key,
                    provider_id=pid,
                    filename=f"regioanalyse-{data.quarter}-{codes[pid]}.pdf",
                    content_type="application/pdf",
                    content=pdf,
                )
            )
            pages_new += 1
        uow.commit()
    path = reports_dir / filename
    if report_new or not path.exists():
        reports_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(rendered.report_pdf)
        tmp.replace(path)  # readers never see half a file
    return StoreResult(report_new, pages_new, str(path))
