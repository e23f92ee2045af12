"""Tasks of the regional analysis."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from clm.services import analysis as service
from clm.services.common import region_config
from clm.settings import get_settings
from clm.storage.db import UnitOfWork


@task(name="gather-figures", cache_policy=NO_CACHE)
def gather_figures(quarter: str, as_of: date) -> service.AnalysisData:
    """Read the quarter's figures: meetings, minutes, actions, signals, escalations, KPIs."""
    return service.gather(UnitOfWork(), region_config(), quarter, as_of)


@task(name="obligation-signals", cache_policy=NO_CACHE)
def obligation_signals(data: service.AnalysisData, as_of: date) -> int:
    """One signal per missed result obligation (none twice)."""
    return service.raise_obligation_signals(UnitOfWork(), region_config(), data, as_of)


@task(name="report-known", cache_policy=NO_CACHE)
def report_known(data: service.AnalysisData) -> bool:
    """Whether the report with exactly these figures is stored already."""
    return service.report_exists(UnitOfWork(), data.quarter, data.digest())


@task(name="render-summary", cache_policy=NO_CACHE)
def render_summary(data: service.AnalysisData) -> str:
    """The summary with the region's plots (markdown), without the PDFs."""
    return service.render_markdown(data, region_config())


@task(name="render-report", cache_policy=NO_CACHE)
def render_report(data: service.AnalysisData) -> service.RenderedReport:
    """Plots and PDFs; provider pages already in a dossier are not rendered again."""
    skip = service.stored_page_digests(UnitOfWork(), data.quarter)
    return service.render_report(data, region_config(), skip)


@task(name="store-report", cache_policy=NO_CACHE)
def store_report(
    data: service.AnalysisData, rendered: service.RenderedReport, as_of: date
) -> service.StoreResult:
    """Keep the report and put each changed provider page in its dossier."""
    return service.store_report(UnitOfWork(), data, rendered, get_settings().reports_dir, as_of)


@task(name="publish-analysis", cache_policy=NO_CACHE)
def publish_analysis(quarter: str, markdown: str) -> None:
    """The report's summary with its plots, as a markdown artifact."""
    create_markdown_artifact(
        markdown=markdown,
        key=f"regioanalyse-{quarter.lower()}",
        description=f"Regioanalyse {quarter}",
    )
