"""Flow import-judged-scores: judged criteria of many providers from a sheet."""

from __future__ import annotations

from prefect import flow

from clm.errors import InvalidInput
from clm.storage.intake import resolve_intake_file
from flows.common import FlowInput, StaffKey, Year, flat_form, intake_file, receipt
from tasks.artifacts import publish_input_errors
from tasks.judged import import_sheet
from tasks.outbox import deliver_outbox


class ImportJudgedScoresInput(FlowInput):
    """Invoer van de import van beoordelingen."""

    file_name: str = intake_file(
        "beoordelingsbestand",
        "Beoordeling",
        "AGB-code, specialisatie, informatie, politiek belang, toelichting",
    )
    year: Year
    entered_by: StaffKey


@flat_form
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
    delivered = deliver_outbox()
    receipt(
        f"beoordelingen {params.year} ingelezen",
        [f"{rows} regels gelezen, {changed} aanbieders gewijzigd"] if changed else [],
        [f"De classificatie van {params.year} gebruikt deze scores."],
        who=params.entered_by,
    )
    return {"rows": rows, "changed": changed, **delivered}
