"""Flow regional-analysis: the quarter's steering information for the region."""

from __future__ import annotations

from prefect import flow
from pydantic import Field, field_validator

from clm.rules.quarters import last_full_quarter
from flows.common import FlowInput, flat_form
from tasks.analysis import (
    gather_figures,
    obligation_signals,
    publish_analysis,
    render_report,
    render_summary,
    report_known,
    store_report,
)
from tasks.outbox import deliver_outbox


class RegionalAnalysisInput(FlowInput):
    """Invoer van de regioanalyse."""

    quarter: str | None = Field(
        None,
        pattern=r"^[0-9]{4}-Q[1-4]$",
        title="Kwartaal (JJJJ-QN)",
        description="Bijvoorbeeld 2026-Q3. Leeg: het laatste volledige kwartaal vóór de peildatum.",
    )

    @field_validator("quarter", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None


@flat_form
@flow(name="regional-analysis")
def regional_analysis(
    params: RegionalAnalysisInput = RegionalAnalysisInput(),  # noqa: B008
) -> dict:
    """Regioanalyse van een kwartaal: gesprekken gehouden tegen gepland (per categorie),
    verslagen binnen twee weken, reacties binnen de week, actiepunten op tijd, open signalen
    en escalaties per trede, en de indicatoren per perceel tegen de norm en de andere
    aanbieders (mediaan en kwartielen), met grafieken. Het rapport (PDF) komt in
    var/reports/, elke aanbieder krijgt zijn eigen pagina in het dossier, en een gemiste
    resultaatverplichting wordt een signaal. Opnieuw draaien met dezelfde cijfers schrijft
    niets nieuws."""
    as_of = params.effective_as_of()
    quarter = params.quarter or last_full_quarter(as_of)
    data = gather_figures(quarter, as_of)
    signals = obligation_signals(data, as_of)
    if signals:
        data = gather_figures(quarter, as_of)  # the report counts the new signals too
    if report_known(data):
        publish_analysis(quarter, render_summary(data))
        result = {"report_new": False, "pages_new": 0}
    else:
        rendered = render_report(data)
        stored = store_report(data, rendered, as_of)
        publish_analysis(quarter, rendered.markdown)
        result = {"report_new": stored.report_new, "pages_new": stored.pages_new}
    delivered = deliver_outbox()
    return {"quarter": quarter, **result, "signals_new": signals, **delivered}


if __name__ == "__main__":
    regional_analysis()
