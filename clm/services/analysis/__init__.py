"""Use case: the regional analysis of a quarter (seed 004, PDCA 'periodieke analyses').

:func:`gather` reads everything the report shows into plain tables (nothing is written);
:func:`render_report` draws the plots and renders the PDFs; :func:`store_report` keeps the
report, puts each provider's page in its dossier and raises a signal per missed result
obligation. A rerun with the same figures renders and writes nothing.

The use case in three parts: :mod:`.gather` reads the figures, :mod:`.report` renders them,
:mod:`.store` keeps the report and raises the signals.
"""

from clm.rules.quarters import last_full_quarter
from clm.services.analysis.gather import (
    REPORT_KIND,
    TREND_QUARTERS,
    AnalysisData,
    gather,
    quarter_dates,
    quarter_of,
)
from clm.services.analysis.report import RenderedReport, render_markdown, render_report
from clm.services.analysis.store import (
    StoreResult,
    raise_obligation_signals,
    report_exists,
    store_report,
    stored_page_digests,
)

__all__ = [
    "REPORT_KIND",
    "TREND_QUARTERS",
    "AnalysisData",
    "RenderedReport",
    "StoreResult",
    "gather",
    "last_full_quarter",
    "quarter_dates",
    "quarter_of",
    "raise_obligation_signals",
    "render_markdown",
    "render_report",
    "report_exists",
    "store_report",
    "stored_page_digests",
]
