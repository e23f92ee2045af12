"""Flow record-minutes-sheet: the minutes from a filled-in sheet in the intake folder."""

from __future__ import annotations

from prefect import flow

from clm.errors import InvalidInput
from clm.storage.intake import resolve_intake_file
from flows.common import FlowInput, StaffKey, flat_form, intake_file, receipt
from tasks.artifacts import publish_input_errors
from tasks.minutes import MINUTES_FOLDER, record_sheet


class RecordMinutesSheetInput(FlowInput):
    """Verslag inlezen uit een ingevuld verslagblad."""

    file_name: str = intake_file(
        "verslagblad",
        "Verslag",
        f"het sjabloon van verslagformulier-maken (in de map '{MINUTES_FOLDER}'); actiepunten op "
        "het tabblad 'Actiepunten'",
    )
    recorded_by: StaffKey


@flat_form
@flow(name="record-minutes-sheet")
def record_minutes_sheet(params: RecordMinutesSheetInput) -> dict:
    """Het verslag van een gesprek inlezen uit een ingevuld verslagblad (.xlsx). Het blad wordt
    helemaal gecontroleerd; bij een fout wordt niets opgeslagen en staan de fouten (tabblad,
    rij, kolom) in een artefact. Opnieuw inlezen vóór het versturen vervangt het concept."""
    try:
        path = resolve_intake_file(params.file_name, "file_name")
        outcome = record_sheet(path, params.recorded_by, params.effective_as_of())
    except InvalidInput as exc:
        publish_input_errors(exc, key="verslagblad-fouten")
        raise
    receipt(
        f"verslagblad {params.file_name}",
        [f"Verslag uit {params.file_name}: {outcome}"] if outcome != "unchanged" else [],
        ["Verstuur het verslag met verslag-versturen; de aanbieder krijgt dan een week."],
        who=params.recorded_by,
    )
    return {"minutes": outcome}
