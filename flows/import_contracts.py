"""Flow import-contracts: the contract register (lots, terms, option years) from a sheet."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from clm.errors import InvalidInput
from clm.storage.intake import resolve_intake_file
from flows.common import FlowInput, StaffKey, flat_form, intake_file, receipt
from tasks.artifacts import publish_input_errors
from tasks.contracts import import_register
from tasks.providers import publish_provider_table


class ImportContractsInput(FlowInput):
    """Invoer van het inlezen van het contractregister."""

    file_name: str = intake_file(
        "contractregister",
        "Contracten",
        "AGB-code, raamovereenkomst, perceel, ingangsdatum, einddatum, optiejaren, "
        "besluit uiterlijk (mag leeg: dan het aantal maanden uit de regioconfiguratie vóór de "
        "einddatum)",
    )
    subcontracts_file: str = Field(
        "",
        max_length=300,
        title="Bestand onderaanneming (mag leeg)",
        description="Naam van het bestand met hoofd- en onderaannemers (.csv, of .xlsx met "
        "tabblad 'Onderaanneming') in de intakemap. Kolommen: hoofdaannemer, onderaannemer, "
        "perceel, vanaf, tot en met (mag leeg), declaraties ('hoofdaannemer' of 'eigen "
        "contract'; verplicht als de onderaannemer ook een eigen contract heeft). Leeg: het "
        "tabblad 'Onderaanneming' van het contractbestand, als dat er is.",
    )
    entered_by: StaffKey


@flat_form
@flow(name="import-contracts")
def import_contracts(params: ImportContractsInput) -> dict:
    """Het contractregister inlezen uit een CSV- of Excelbestand: per aanbieder de percelen
    van de raamovereenkomst met ingangsdatum, einddatum, optiejaren en de datum waarvoor over
    het volgende optiejaar besloten moet zijn; met de hoofd- en onderaannemers per perceel
    (de declaraties van een onderaannemer tellen dan bij de hoofdaannemer). Het hele bestand
    wordt eerst gecontroleerd; bij een fout wordt niets opgeslagen. Hetzelfde bestand nog eens
    inlezen verandert niets."""
    as_of = params.effective_as_of()
    try:
        path = resolve_intake_file(params.file_name, "file_name")
        subs = (
            resolve_intake_file(params.subcontracts_file, "subcontracts_file")
            if params.subcontracts_file.strip()
            else None
        )
        result = import_register(path, subs, params.entered_by, as_of)
    except InvalidInput as exc:
        publish_input_errors(exc, key="contracten-importfouten")
        raise
    publish_provider_table()
    saved = [
        f"{result.rows} regels gelezen: {result.created} contracten nieuw, "
        f"{result.changed} gewijzigd, {result.rows - result.created - result.changed} ongewijzigd"
    ]
    if result.subcontracts_new or result.subcontracts_changed:
        saved.append(
            f"Onderaanneming: {result.subcontracts_new} relaties nieuw, "
            f"{result.subcontracts_changed} gewijzigd"
        )
    if result.kept:
        saved.append(
            "Niet overschreven (een besluit over het optiejaar of trede 7 veranderde het "
            "contract sinds het vorige register; pas het aan met besluit-optiejaar): "
            + "; ".join(result.kept)
        )
    if result.lots_added:
        saved.append("Perceel toegevoegd aan de aanbieder: " + ", ".join(result.lots_added))
    receipt(
        "contractregister ingelezen",
        saved,
        [
            "De dagelijkse ronde herinnert de contractmanager vóór elk besluit over een "
            "optiejaar; het besluit leg je vast met besluit-optiejaar.",
            "De lijst aanbieders (Artifacts → aanbieders) toont de contracten.",
        ],
        who=params.entered_by,
    )
    return {
        "rows": result.rows,
        "created": result.created,
        "changed": result.changed,
        "lots_added": list(result.lots_added),
        "subcontracts": result.subcontracts_new + result.subcontracts_changed,
    }
