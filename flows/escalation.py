"""Flow escalation: a contract manager opens an escalation or moves it to a step; steps 3 and
higher wait, suspended, for a second person's approval in the UI."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from prefect import flow, get_run_logger
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import deployment, flow_run
from pydantic import BeforeValidator, Field, WithJsonSchema

from clm.rules.commands import StepRequest
from clm.rules.escalation import (
    APPROVAL_WINDOW_DAYS,
    EVIDENCE_LABELS,
    EvidenceItem,
    EvidenceKind,
    Termination,
)
from clm.rules.vocabulary import StepStatus
from flows.common import (
    PICK_HINT,
    FlowInput,
    FormModel,
    OptionalDate,
    ProviderCode,
    StaffKey,
    dutch_choice,
    flat_form,
    receipt,
)
from tasks.escalation import (
    approval_context,
    decide,
    issue_approval_codes,
    lapse,
    redeem_approval_code,
    remember_approval_run,
    request,
    status_of,
)
from tasks.outbox import deliver_outbox
from tasks.worklist import refresh_work_lists

APPROVAL_WAIT_SECONDS = APPROVAL_WINDOW_DAYS * 24 * 3600  # the run holds no worker meanwhile
MAX_APPROVAL_ATTEMPTS = 10  # wrong answers asked again; a typo costs no new request


class EvidenceInput(FormModel):
    """Bewijs voor trede 5 tot en met 7."""

    kind: Annotated[EvidenceKind, *dutch_choice(EVIDENCE_LABELS)] = Field(..., title="Soort")
    source: str = Field(..., min_length=3, title="Bron", description="Bijv. IGJ-rapport 2027-14.")
    document: str = Field(..., min_length=3, title="Documentverwijzing")


class EscalationInput(FlowInput):
    """Escalatie openen of naar een trede brengen."""

    provider_code: ProviderCode
    step: int = Field(
        ...,
        ge=1,
        le=7,
        title="Trede (1-7)",
        description="1 intensiever contractmanagement, 2 verbeterplan, "
        "3 ingebrekestelling, 4 opschorting betaling, 5 cliëntenstop/overdracht, "
        "6 terugvordering en boete, 7 beëindiging. Treden overslaan mag.",
    )
    reason: str = Field(..., min_length=10, max_length=5000, title="Onderbouwing")
    requested_by: StaffKey
    heard_on: OptionalDate = Field(
        None, title="Wederhoor op", description="Datum waarop de aanbieder is gehoord."
    )
    hearing_summary: str = Field("", max_length=5000, title="Samenvatting wederhoor")
    urgency: str = Field(
        "",
        max_length=2000,
        title="Spoed zonder wederhoor",
        description="Alleen als er geen wederhoor was: waarom het spoed had.",
    )
    evidence: list[EvidenceInput] = Field(default_factory=list, title="Bewijs (trede 5-7)")
    acute: bool = Field(False, title="Acuut risico (kortere termijn bij trede 1)")
    safety_or_fraud: bool = Field(
        False,
        title="Nodig voor cliëntveiligheid of tegen fraude",
        description="Dan schort een bezwaar de maatregel niet op.",
    )
    fine: Decimal | None = Field(None, ge=0, title="Boete in euro (trede 6)")
    reclaim: Decimal | None = Field(None, ge=0, title="Terugvordering in euro (trede 6)")
    measure: str = Field(
        "", max_length=500, title="Maatregel", description="Bijv. 'gedeeltelijk (50%)' bij trede 4."
    )
    recovery_days: Annotated[
        int | None,
        Field(ge=1, le=120),
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 120}),
    ] = Field(
        None,
        title="Hersteltermijn in werkdagen (trede 3)",
        description="De redelijke termijn voor dit geval. Leeg: de termijn uit de "
        "regioconfiguratie.",
    )
    termination: Annotated[
        Termination | None,
        WithJsonSchema({"type": "string", "enum": [t.value for t in Termination]}),
    ] = Field(
        None,
        title="Maatregel bij trede 7",
        description="'geen verlenging' (de optiejaren niet) of 'ontbinding per direct' (alleen "
        "bij vastgestelde fraude of ernstige misstanden, met bewijs).",
    )
    ends_on: OptionalDate = Field(
        None,
        title="Einddatum bij ontbinding (trede 7)",
        description="De dag waarop de contracten eindigen. Leeg: per direct, de dag waarop de "
        "trede genomen wordt (na goedkeuring).",
    )
    skip_reason: str = Field(
        "",
        max_length=2000,
        title="Reden om de ingebrekestelling over te slaan (trede 4)",
        description="Alleen als trede 4 komt zonder ingebrekestelling waarvan de hersteltermijn "
        "verstreken is; deze reden komt in de brief.",
    )

    def to_command(self) -> StepRequest:
        """The request as the escalation service takes it."""
        fields = self.model_dump(exclude={"as_of", "evidence"})
        evidence = tuple(EvidenceItem(e.kind, e.source, e.document) for e in self.evidence)
        return StepRequest(**fields, evidence=evidence)


# What the receipt says of the step and what comes next, by its status after the run.
STATUS_WORDS = {
    StepStatus.ACTIVE: "genomen; de brief aan het bestuur is verstuurd",
    StepStatus.REJECTED: "afgewezen door de tweede persoon",
    StepStatus.EXPIRED: "vervallen: geen geldig besluit binnen de termijn",
    StepStatus.AWAITING_APPROVAL: "wacht op het besluit van een tweede persoon",
}
NEXT_WORDS = {
    StepStatus.ACTIVE: "De termijnen staan in de brief en op de werkvoorraad; de dagelijkse "
    "ronde herinnert vooraf en signaleert na afloop.",
    StepStatus.REJECTED: "Er verandert niets; een nieuwe aanvraag kan met escalatie-trede.",
    StepStatus.EXPIRED: "Er verandert niets; een nieuwe aanvraag kan met escalatie-trede.",
}


class Approval(RunInput):
    """Besluit van een tweede persoon over de trede."""

    decision: Annotated[
        Literal["goedkeuren", "afwijzen"],
        BeforeValidator(lambda v: {"approve": "goedkeuren", "reject": "afwijzen"}.get(v, v)),
    ] = Field(..., title="Besluit", description=PICK_HINT)
    code: str = Field(
        ...,
        min_length=8,
        max_length=20,
        title="Uw eenmalige code",
        description="Uit de mail 'Goedkeuring gevraagd' die u kreeg; alleen uw eigen code "
        "telt, en die werkt één keer.",
    )
    remark: str = Field("", title="Toelichting")


def _wait_for_approval(step_id: int, attempt: int, context: str, refusal: str) -> Approval:
    """Deployed: suspend (the process ends; Resume in the UI starts it again). Run directly, as
    in tests or a local run, there is no deployment to restart from: pause in the process.

    Each attempt has its own key: after a resume the flow runs again from the top, finds the
    answers of earlier attempts by their keys, and asks anew only after the last refusal."""
    description = context
    if refusal:
        description = f"**Vorig antwoord niet aanvaard:** {refusal}\n\n{context}"
    wait_for = Approval.with_initial_data(description=description)
    key = f"approval-{step_id}" + (f"-{attempt}" if attempt > 1 else "")
    if deployment.id:
        return suspend_flow_run(wait_for_input=wait_for, timeout=APPROVAL_WAIT_SECONDS, key=key)
    return pause_flow_run(
        wait_for_input=wait_for, timeout=APPROVAL_WAIT_SECONDS, poll_interval=1, key=key
    )


@flat_form
@flow(name="escalation", persist_result=True)
def escalation(params: EscalationInput) -> dict:
    """Een escalatie openen of naar een trede brengen, met onderbouwing (seed 004:
    terughoudendheid, eerst wederhoor, maatwerk in inschaling). Trede 1 en 2 gaan meteen in;
    vanaf trede 3 wacht de run (zonder een worker bezet te houden) op het besluit van een
    tweede persoon: kies in de UI 'Resume' en vul het besluit in. Elke genomen trede levert
    een brief aan het bestuur, termijnen in werkdagen en gebeurtenissen in het dossier."""
    as_of = params.effective_as_of()
    step_id = request(params.to_command(), as_of)
    status = status_of(step_id)
    if status == StepStatus.AWAITING_APPROVAL:
        get_run_logger().info("Trede %s wacht op goedkeuring door een tweede persoon", params.step)
        if flow_run.id:
            remember_approval_run(step_id, str(flow_run.id))
        # each approver gets their own code by mail, sent now (and then wiped from the outbox)
        issue_approval_codes(step_id, as_of, str(flow_run.id or ""))
        deliver_outbox()
        refresh_work_lists(as_of)  # the approvers see it on their work list
        context, refusal, decided_by = approval_context(step_id), "", ""
        for attempt in range(1, MAX_APPROVAL_ATTEMPTS + 1):
            approval = _wait_for_approval(step_id, attempt, context, refusal)
            decided_by, refusal = redeem_approval_code(step_id, approval.code, attempt, as_of)
            if not refusal:
                break
            get_run_logger().warning("Besluit niet aanvaard: %s; opnieuw gevraagd", refusal)
        if refusal:  # still no valid answer: the request lapses instead of blocking
            status = lapse(step_id, f"{MAX_APPROVAL_ATTEMPTS} keer geen geldig besluit", as_of)
        else:
            status = decide(
                step_id,
                approval.decision == "goedkeuren",
                decided_by,
                approval.remark,
                as_of,
            )
    refresh_work_lists(as_of)
    deliver_outbox()
    receipt(
        f"trede {params.step} voor {params.provider_code}",
        [f"Trede {params.step}: {STATUS_WORDS.get(status, status)}"],
        [NEXT_WORDS.get(status, "")] if NEXT_WORDS.get(status) else [],
        params.provider_code,
        params.requested_by,
    )
    return {"step_id": step_id, "step": params.step, "status": status}
