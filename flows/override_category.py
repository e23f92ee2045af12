"""Flow override-category: a contract manager sets a provider's category, with a reason."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, ProviderCode, StaffKey, Year, flat_form, receipt
from tasks.classification import override
from tasks.outbox import deliver_outbox


class OverrideCategoryInput(FlowInput):
    """Categorie van een aanbieder handmatig vaststellen."""

    provider_code: ProviderCode
    year: Year
    category: int = Field(..., ge=1, le=4, title="Categorie (1-4)")
    reason: str = Field(..., min_length=10, max_length=2000, title="Reden (verplicht)")
    decided_by: StaffKey


@flat_form
@flow(name="override-category")
def override_category(params: OverrideCategoryInput) -> dict:
    """Categorie van een aanbieder vaststellen met een verplichte reden. De overschrijving
    blijft staan bij een nieuwe berekening; wie en waarom staan in het contractdossier. Een
    gewijzigde categorie levert een nieuwe brief op."""
    changed = override(
        params.provider_code,
        params.year,
        params.category,
        params.reason,
        params.decided_by,
        params.effective_as_of(),
    )
    deliver_outbox()
    receipt(
        f"categorie {params.provider_code} vastgesteld",
        [f"Categorie {params.category} voor {params.year}: {params.reason}"] if changed else [],
        ["De aanbieder kreeg een nieuwe brief; een nieuwe berekening laat deze categorie staan."]
        if changed
        else [],
        params.provider_code,
        params.decided_by,
    )
    return {"provider_code": params.provider_code, "category": params.category, "changed": changed}
