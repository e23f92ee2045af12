"""Flow yearly-classification: every provider's score, category and meetings for a year."""

from __future__ import annotations

from datetime import date

from prefect import flow
from pydantic import Field, model_validator

from clm.errors import MissingJudgedScores
from clm.rules import labels
from clm.rules.commands import ReferencePeriod
from clm.settings import region_config
from flows.common import FlowInput, OptionalDate, OptionalYear, flat_form
from tasks.artifacts import publish_markdown, publish_table
from tasks.classification import compute, load_table, store
from tasks.outbox import deliver_outbox
from tasks.providers import publish_provider_table


class YearlyClassificationInput(FlowInput):
    """Invoer van de jaarlijkse classificatie."""

    year: OptionalYear = Field(
        None,
        title="Classificatiejaar",
        description="Het jaar waarvoor de aanbieders worden ingedeeld. Leeg: het komende jaar.",
    )
    reference_start: OptionalDate = Field(
        None,
        title="Begin referentieperiode",
        description="Eerste dag van de periode waarvan de declaraties meetellen. "
        "Leeg: 1 januari van het vorige kalenderjaar.",
    )
    reference_end: OptionalDate = Field(
        None,
        title="Einde referentieperiode",
        description="Laatste dag van de referentieperiode (inclusief). "
        "Leeg: 31 december van het vorige kalenderjaar.",
    )

    @model_validator(mode="after")
    def _period_complete(self) -> YearlyClassificationInput:
        if (self.reference_start is None) != (self.reference_end is None):
            raise ValueError("vul begin én einde van de referentieperiode in, of geen van beide")
        if (
            self.reference_start
            and self.reference_end
            and self.reference_start > self.reference_end
        ):
            raise ValueError("begin referentieperiode ligt na het einde")
        return self

    def period(self, as_of: date) -> ReferencePeriod:
        if self.reference_start and self.reference_end:
            return ReferencePeriod(self.reference_start, self.reference_end)
        return ReferencePeriod.calendar_year(as_of.year - 1)


@flat_form
@flow(name="yearly-classification")
def yearly_classification(
    params: YearlyClassificationInput = YearlyClassificationInput(),  # noqa: B008
) -> dict:
    """Jaarlijkse classificatie van alle aanbieders: feitelijke criteria uit de declaraties,
    beoordeelde criteria van de contractmanagers, score 1-10, categorie en aantal
    contractvoortgangsgesprekken. Elke aanbieder krijgt een brief; elk besluit komt in het
    contractdossier. Opnieuw draaien voor hetzelfde jaar verandert niets."""
    as_of = params.effective_as_of()
    year = params.year or as_of.year + 1
    period = params.period(as_of)
    try:
        result = compute(year, period)
    except MissingJudgedScores as exc:
        publish_markdown(
            "artifacts/missing_judged.md.j2",
            key=f"classificatie-{year}-ontbrekend",
            description="Aanbieders zonder beoordeelde criteria",
            year=year,
            providers=exc.providers,
        )
        raise
    summary = store(year, period, result, as_of)
    table = load_table(year)
    publish_table(
        table,
        labels=labels.CLASSIFICATION,
        key=f"classificatie-{year}",
        description=f"Classificatie {year}: alle aanbieders met punten en categorie",
    )
    publish_provider_table()  # the new categories in the table the forms point to
    publish_markdown(
        "artifacts/classification_summary.md.j2",
        key=f"classificatie-{year}-samenvatting",
        description=f"Classificatie {year} per categorie",
        year=year,
        period=period.text(),
        table=table.to_dict(orient="records"),
        summary=summary,
        categories=region_config().classification.categories,
    )
    deliver_outbox()
    return {"year": year, **summary}


if __name__ == "__main__":
    yearly_classification()
