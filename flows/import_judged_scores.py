"""Flow import-judged-scores: judged criteria of many providers from a sheet."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from clm.errors import InvalidInput
from clm.services.common import resolve_intake_file
from flows.common import FlowInput
from tasks.artifacts import publish_input_errors
from tasks.judged import import_sheet


class ImportJudgedScoresInput(FlowInput):
    """Invoer van de import van beoordelingen."""

    file_name: str = Field(
        ...,
        min_length=1,
        title="Bestand",
        description="Naam van het bestand (.csv of .xlsx met tabblad 'Beoordeling') in de "
        "intakemap. Kolommen: AGB-code, specialisatie, informatie, politiek belang, toelichting.",
    )
    year: int = Field(..., ge=2000, le=2100, title="Classificatiejaar")
    entered_by: str = Field(
        ...,
        title="Vastgelegd door",
        description="Sleutel van de medewerker, bijvoorbeeld cm-jansen.",
    )


@flow(name="import-judged-scores")
def import_judged_scores(params: ImportJudgedScoresInput) -> dict:
    """Beoordeelde criteria van meerdere aanbieders inlezen uit een CSV- of Excelbestand.
    Het hele bestand wordt eerst gecontroleerd; bij een fout wordt niets opgeslagen."""
    try:
        path = resolve_intake_file(params.file_name, "file_name")
        rows, changed = import_sheet(path, params.year, params.entered_by, params.effective_as_of())
    except InvalidInput as exc:
        publish_input_errors(exc, key="beoordelingen-importfouten")
        raise
    return {"rows": rows, "changed": changed}
