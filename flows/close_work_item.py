"""Flow close-work-item: a staff member marks a point of their work list done."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, StaffKey, flat_form, receipt
from tasks.worklist import close_item, refresh_work_lists


class CloseWorkItemInput(FlowInput):
    """Werkpunt afvinken."""

    item_id: int = Field(
        ...,
        ge=1,
        title="Nummer van het werkpunt",
        description="Het nummer achter 'werkpunt' in uw werkvoorraad.",
    )
    staff_key: StaffKey


@flat_form
@flow(name="close-work-item")
def close_work_item(params: CloseWorkItemInput) -> dict:
    """Een werkpunt van uw werkvoorraad afvinken (bijvoorbeeld een gecrashte run die u na
    controle opnieuw startte); uw werkvoorraad wordt meteen ververst."""
    as_of = params.effective_as_of()
    closed = close_item(params.item_id, params.staff_key, as_of)
    refresh_work_lists(as_of)
    receipt(
        f"werkpunt {params.item_id} afgevinkt",
        [f"Werkpunt {params.item_id} afgevinkt"] if closed else [],
        ["Uw werkvoorraad is ververst (artefact werkvoorraad-" + params.staff_key + ")."],
        who=params.staff_key,
    )
    return {"closed": closed}
