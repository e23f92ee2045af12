"""Flow intake-provider-data: register a provider's filled-in data sheet."""

from __future__ import annotations

from prefect import flow

from clm.errors import InvalidInput
from clm.storage.intake import resolve_intake_file
from flows.common import FlowInput, flat_form, intake_file
from tasks.artifacts import publish_input_errors
from tasks.meetings import take_in_sheet
from tasks.outbox import deliver_outbox


class IntakeProviderDataInput(FlowInput):
    """Invoer van het inlezen van een gegevensblad."""

    file_name: str = intake_file(
        "gegevensblad van de aanbieder",
        "Gegevens",
        "Code, Indicator, Eenheid, Norm, Waarde, Toelichting (het meegestuurde sjabloon)",
    )


@flat_form
@flow(name="intake-provider-data")
def intake_provider_data(params: IntakeProviderDataInput) -> dict:
    """Gegevensblad van een aanbieder inlezen (per aanbieder, kwartaal en indicator). Het blad
    wordt eerst helemaal gecontroleerd; bij een fout wordt niets opgeslagen en staan de fouten
    (rij en kolom) in een artefact. Nieuwe bladen in de map 'gegevens' van de intakemap neemt
    de dagelijkse ronde vanzelf in."""
    try:
        path = resolve_intake_file(params.file_name, "file_name")
        result = take_in_sheet(path, params.effective_as_of())
        return {**result, **deliver_outbox()}  # the provider's receipt goes out now
    except InvalidInput as exc:
        publish_input_errors(exc, key="gegevensblad-fouten")
        raise
