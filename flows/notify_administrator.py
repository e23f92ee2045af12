"""Flow notify-administrator: started by the automations in prefect.yaml, it mails the
functional administrator when a scheduled run failed or the daily sweep did not run."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_UI_URL
from pydantic import Field

from flows.common import FlowInput, flat_form
from tasks.outbox import deliver_outbox
from tasks.recovery import tell_administrator


class NotifyAdministratorInput(FlowInput):
    """Melding aan functioneel beheer (gestart door een automatisering)."""

    kind: Literal["failed", "sweep_missing"] = Field("failed", title="Soort melding")
    flow_run_id: str = Field(
        "",
        title="Run",
        description="De id van de mislukte run; de automatisering vult hem in "
        "(of prefect.flow-run.<id>).",
    )


@task(name="describe-run", cache_policy=NO_CACHE)
def describe_run(flow_run_id: str) -> list[str]:
    """What the administrator needs to find the run: flow, deployment, state and message."""
    run_id = UUID(flow_run_id.removeprefix("prefect.flow-run."))
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        flow_name = client.read_flow(run.flow_id).name
        deployment = client.read_deployment(run.deployment_id).name if run.deployment_id else "-"
    ui = str(PREFECT_UI_URL.value() or "")
    return [
        f"Flow: {flow_name} (deployment {deployment})",
        f"Run: {run.name} ({run.id})",
        f"Toestand: {run.state.name if run.state else '-'}: "
        f"{(run.state.message or '') if run.state else ''}"[:500],
        f"Gepland voor: {run.expected_start_time:%d-%m-%Y %H:%M} (UTC)"
        if run.expected_start_time
        else "Gepland voor: -",
        f"In de UI: {ui}/runs/flow-run/{run.id}" if ui else "",
    ]


@flat_form
@flow(name="notify-administrator")
def notify_administrator(params: NotifyAdministratorInput = NotifyAdministratorInput()) -> dict:  # noqa: B008
    """Mailt functioneel beheer: een geplande run is mislukt (met flow, run, toestand en
    melding), of de dagelijkse ronde heeft al ruim een dag niet gedraaid. Wordt gestart door
    de automatiseringen in prefect.yaml; dezelfde melding gaat één keer."""
    as_of = params.effective_as_of()
    if params.kind == "failed" and params.flow_run_id:
        lines = [line for line in describe_run(params.flow_run_id) if line]
        key = f"failed:{params.flow_run_id.removeprefix('prefect.flow-run.')}"
        subject = f"Geplande run mislukt: {lines[0].removeprefix('Flow: ')}"
    else:
        lines = [
            "De dagelijkse ronde (dagelijkse-ronde) is in de laatste 26 uur niet voltooid.",
            "Controleer of de Prefect-server en een worker op de pool 'clm' draaien.",
        ]
        key = f"sweep-missing:{as_of.isoformat()}"
        subject = "De dagelijkse ronde heeft niet gedraaid"
    new = tell_administrator(key, " ".join(subject.split()), lines, as_of)
    delivered = deliver_outbox()
    return {"alerted": new, **delivered}
