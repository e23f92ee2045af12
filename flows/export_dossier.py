"""Flow export-dossier: a provider's contract dossier for a period, for an auditor or a file."""

from __future__ import annotations

from datetime import date

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, ProviderCode, flat_form, receipt
from tasks.minutes import export


class ExportDossierInput(FlowInput):
    """Contractdossier exporteren."""

    provider_code: ProviderCode
    start: date = Field(..., title="Vanaf")
    end: date = Field(..., title="Tot en met")


@flat_form
@flow(name="export-dossier")
def export_dossier(params: ExportDossierInput) -> dict:
    """Het contractdossier van een aanbieder over een periode: één PDF met alle gebeurtenissen
    (datum, soort, wie, wat) en een zip met de originelen (alle mails als .eml met bijlagen, de
    definitieve verslagen). De bestanden komen in var/exports."""
    result = export(params.provider_code, params.start, params.end)
    receipt(
        f"dossier {params.provider_code} geëxporteerd",
        [f"{name}" for name in (result.get("pdf"), result.get("zip")) if name],
        ["De bestanden staan in var/exports; geef ze door aan wie erom vroeg."],
        params.provider_code,
    )
    return result
