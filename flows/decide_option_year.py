"""Flow decide-option-year: take up a lot's next option year, or not."""

from __future__ import annotations

from typing import Annotated, Literal

from prefect import flow
from pydantic import BeforeValidator, Field

from flows.common import PICK_HINT, FlowInput, ProviderCode, StaffKey, flat_form, receipt
from tasks.contracts import decide_option
from tasks.outbox import deliver_outbox


class DecideOptionYearInput(FlowInput):
    """Besluit over het volgende optiejaar."""

    provider_code: ProviderCode
    lot: str = Field(
        "",
        max_length=20,
        title="Perceel",
        description="De code van het perceel (bijv. AMB). Leeg: elk perceel van deze aanbieder "
        "waarover een besluit openstaat.",
    )
    decision: Annotated[
        Literal["verlengen", "niet verlengen"],
        BeforeValidator(lambda v: {"extend": "verlengen", "stop": "niet verlengen"}.get(v, v)),
    ] = Field(..., title="Besluit", description=PICK_HINT)
    remark: str = Field("", max_length=3000, title="Toelichting (komt in de brief)")
    decided_by: StaffKey


@flat_form
@flow(name="decide-option-year")
def decide_option_year(params: DecideOptionYearInput) -> dict:
    """Het besluit over het volgende optiejaar vastleggen: verlengen (de looptijd schuift een
    jaar op, de volgende besluitdatum wordt gepland) of niet verlengen (het contract eindigt
    aan het einde van de lopende looptijd). De aanbieder krijgt een brief; het besluit staat in
    het contractdossier. Hetzelfde besluit op dezelfde dag nog eens verandert niets."""
    extend = params.decision == "verlengen"
    outcome = decide_option(
        params.provider_code,
        params.lot,
        extend,
        params.decided_by,
        params.remark,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()
    receipt(
        f"besluit optiejaar {outcome.provider}",
        list(outcome.lines),
        [
            "De aanbieder krijgt het besluit per brief."
            if outcome.mailed
            else "Dit besluit was vandaag al vastgelegd; er is niets opnieuw verstuurd.",
            "De dagelijkse ronde herinnert vóór het volgende besluit."
            if extend
            else "Het contract eindigt op de genoemde datum; er volgt geen herinnering meer.",
        ],
        params.provider_code,
        params.decided_by,
    )
    return {"lines": list(outcome.lines), "mailed": outcome.mailed, **delivered}
