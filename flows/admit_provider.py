"""Flow admit-provider: a provider applies to join mid-term (dynamic contracting)."""

from __future__ import annotations

from datetime import date

from prefect import flow
from pydantic import EmailStr, Field

from clm.rules.commands import Application, CheckItem
from clm.rules.meetings import admission_cycle
from flows.common import FlowInput, FormModel, ProviderCode, StaffKey, flat_form, receipt
from tasks.admission import carry_judged, decide, plan, register
from tasks.classification import compute, store
from tasks.outbox import deliver_outbox

Score = Field(..., ge=1, le=10)


class CheckInput(FormModel):
    """Eén eis uit de checklist (regioconfiguratie, admission.requirements)."""

    key: str = Field(..., title="Eis", description="Bijvoorbeeld big, kvk, vog, agb.")
    met: bool = Field(..., title="Voldaan")
    document: str = Field("", max_length=300, title="Documentverwijzing")


class AdmitProviderInput(FlowInput):
    """Aanmelding van een aanbieder voor tussentijdse toetreding."""

    provider_code: ProviderCode
    name: str = Field(..., min_length=2, max_length=200, title="Naam aanbieder")
    contact_name: str = Field(..., min_length=2, max_length=200, title="Contactpersoon")
    contact_email: EmailStr = Field(..., title="E-mail contactpersoon")
    board_email: EmailStr | None = Field(None, title="E-mail bestuur")
    address: str = Field("", max_length=300, title="Adres")
    contract_manager: StaffKey
    care_types: list[str] = Field(..., min_length=1, title="Percelen")
    applied_on: date = Field(..., title="Aanmelding ontvangen op")
    checklist: list[CheckInput] = Field(..., min_length=1, title="Toetsing van de eisen")
    specialisation: int = Field(..., ge=1, le=10, title="Specialisatie van het aanbod (1-10)")
    information: int = Field(..., ge=1, le=10, title="Bijdrage aan informatie (1-10)")
    political_importance: int = Field(..., ge=1, le=10, title="Politiek belang (1-10)")
    admit_now: bool = Field(
        False,
        title="Meteen toelaten",
        description="Aan: direct besluiten (alleen als aan alle eisen is voldaan). Uit: de "
        "aanmelding wordt bewaakt; het besluit volgt met de taak besluit-toetreding.",
    )

    def to_command(self) -> Application:
        """The application as the admission service takes it."""
        return Application(
            code=self.provider_code,
            name=self.name,
            contact_name=self.contact_name,
            contact_email=str(self.contact_email),
            board_email=str(self.board_email or ""),
            address=self.address,
            contract_manager=self.contract_manager,
            care_types=self.care_types,
            applied_on=self.applied_on,
            checklist=[CheckItem(c.key, c.met, c.document) for c in self.checklist],
            specialisation=self.specialisation,
            information=self.information,
            political_importance=self.political_importance,
        )


class DecideAdmissionInput(FlowInput):
    """Besluit over een aanmelding."""

    provider_code: ProviderCode
    admitted: bool = Field(..., title="Toegelaten")
    remark: str = Field("", max_length=3000, title="Motivering (verplicht bij afwijzen)")
    decided_by: StaffKey


@flat_form
@flow(name="admit-provider")
def admit_provider(params: AdmitProviderInput) -> dict:
    """Aanmelding voor tussentijdse toetreding registreren: de eisen met documentverwijzing,
    de beoordeelde criteria, en de beoordelingstermijn van maximaal zes maanden (de dagelijkse
    ronde herinnert contractbeheer). De aanbieder krijgt een ontvangstbevestiging. Met
    'meteen toelaten' wordt de aanbieder direct geclassificeerd en vanaf de eerstvolgende
    gespreksmaand ingepland."""
    as_of = params.effective_as_of()
    application = params.to_command()
    result: dict = {"application": register(application, as_of)}
    if params.admit_now:
        result.update(
            _decide_and_admit(params.provider_code, True, "", params.contract_manager, as_of)
        )
    delivered = deliver_outbox()
    receipt(
        f"aanmelding {params.provider_code}",
        [f"Aanmelding van {params.provider_code} ({result['application']})"],
        ["Toegelaten en ingepland."]
        if params.admit_now
        else ["Besluit binnen zes maanden met besluit-toetreding; contractbeheer wordt herinnerd."],
        params.provider_code,
        params.contract_manager,
    )
    return {**result, **delivered}


def _decide_and_admit(
    code: str, admitted: bool, remark: str, decided_by: str, as_of: date
) -> dict[str, object]:
    """The decision, and for an admitted provider the steps after it, each a task in the run
    history: classify it now, carry its judged scores to next year, plan its meeting. Every
    step is safe to repeat, so a rerun after a crash completes what was left."""
    outcome = decide(code, admitted, remark, decided_by, as_of)
    if not outcome["admitted"]:
        return outcome
    cycle = admission_cycle(as_of)
    result = compute(cycle.year, cycle.period, [code])
    store(cycle.year, cycle.period, result, as_of, actor="admit-provider")
    carry_judged(code, cycle.year, decided_by, as_of)
    return {
        **outcome,
        "category": int(result.iloc[0]["category"]),
        "year": cycle.year,
        "meetings_planned": plan(code, as_of),
        "from_month": f"{cycle.month:%Y-%m}",
    }


@flat_form
@flow(name="decide-admission")
def decide_admission(params: DecideAdmissionInput) -> dict:
    """Het besluit over een aanmelding vastleggen. Toegelaten (alleen als aan alle eisen is
    voldaan): de aanbieder wordt actief, meteen geclassificeerd met de beoordeelde criteria en
    vanaf de eerstvolgende gespreksmaand ingepland. Afgewezen: met motivering. Beide gaan als
    brief naar de aanbieder; hetzelfde besluit nog eens verandert niets."""
    outcome = _decide_and_admit(
        params.provider_code,
        params.admitted,
        params.remark,
        params.decided_by,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()
    receipt(
        f"besluit toetreding {params.provider_code}",
        [
            f"Toegelaten; categorie {outcome['category']}, gesprekken vanaf {outcome['from_month']}"
            if outcome.get("admitted")
            else f"Afgewezen: {params.remark}"
        ],
        ["De aanbieder krijgt het besluit per brief."],
        params.provider_code,
        params.decided_by,
    )
    return {**outcome, **delivered}
