"""Flow recover-run: what happens when a run lost its worker, crashed or failed. Started by
the automations in prefect.yaml; nothing unattended hangs in Running or stays undone."""

from __future__ import annotations

from typing import Literal

from prefect import flow
from pydantic import Field

from clm.rules.commands import CrashedRun
from flows.common import FlowInput, flat_form
from tasks.outbox import deliver_outbox
from tasks.recovery import (
    RERUN_OF,
    RERUN_TAG,
    SCHEDULED_TAG,
    mark_crashed,
    read_run,
    staff_emails,
    staff_keys,
    start_again,
    tell_administrator,
)
from tasks.worklist import add_crashed_run, refresh_work_lists

# The flows the automations start: their own failures are not recovered (no loop).
OWN_FLOWS = {"recover-run", "notify-administrator"}
STATE_WORDS = {
    "COMPLETED": "voltooid",
    "FAILED": "mislukt",
    "CRASHED": "gecrasht",
    "CANCELLED": "geannuleerd",
}
LOST = "Geen hartslag meer van de run: de worker of het proces is weggevallen."


class RecoverRunInput(FlowInput):
    """Herstel van een verloren, gecrashte of mislukte run (gestart door een automatisering)."""

    kind: Literal["heartbeat_lost", "ended_badly", "rerun_ended"] = Field(
        ..., title="Soort", description="Wat de automatisering zag."
    )
    flow_run_id: str = Field(
        ..., title="Run", description="De run waar het om gaat (prefect.flow-run.<id>)."
    )


def _describe(run: dict) -> list[str]:
    return [
        f"Flow: {run['flow']}",
        f"Run: {run['name']} ({run['id']})",
        f"Toestand: {run['state_name']}: {run['message']}",
        f"Gestart: {run['started']}",
        f"In de UI: {run['link']}" if run["link"] else "",
    ]


@flat_form
@flow(name="recover-run")
def recover_run(params: RecoverRunInput) -> dict:
    """Een run zonder hartslag wordt als gecrasht gemarkeerd. Een geplande run die crasht of
    mislukt wordt één keer opnieuw gestart met dezelfde parameters (elke flow is veilig om
    opnieuw te draaien); functioneel beheer hoort één keer wat er misging en of de herstart
    voltooid is. Een gecrashte run die een medewerker startte wordt niet vanzelf herhaald:
    beheer en de medewerker krijgen bericht, en de run staat op de werkvoorraad van de
    medewerker tot die hem na controle opnieuw start en afvinkt (werkpunt-afvinken)."""
    as_of = params.effective_as_of()
    run = read_run(params.flow_run_id)
    if run["flow"] in OWN_FLOWS:
        return {"action": "none", "reason": "eigen flow"}
    if params.kind == "heartbeat_lost":
        # the Crashed state starts this flow again (ended_badly), which decides what follows
        return {"action": "marked_crashed" if mark_crashed(run["id"], LOST) else "none"}

    if params.kind == "rerun_ended":
        original = next(t.removeprefix(RERUN_OF) for t in run["tags"] if t.startswith(RERUN_OF))
        first = read_run(original)
        word = STATE_WORDS.get(run["state"], run["state_name"])
        outcome = word if run["state"] == "COMPLETED" else f"ook {word}"
        lines = [
            "Een geplande run is gecrasht of mislukt en één keer opnieuw gestart.",
            *_describe(first),
            f"Herstart: {run['name']} ({run['id']}): {outcome}.",
            f"In de UI: {run['link']}" if run["link"] else "",
            "Niets is dubbel verstuurd: elke flow is veilig om opnieuw te draaien."
            if run["state"] == "COMPLETED"
            else "De herstart is niet voltooid: zoek de oorzaak en start de run zelf opnieuw.",
        ]
        alerted = tell_administrator(
            f"rerun:{first['id']}",
            f"Geplande run {first['flow']} {STATE_WORDS.get(first['state'], first['state_name'])};"
            f" herstart {outcome}",
            [line for line in lines if line],
            as_of,
        )
        return {"action": "reported", "alerted": alerted, **deliver_outbox()}

    # ended_badly: Failed or Crashed
    if RERUN_TAG in run["tags"]:
        return {"action": "none", "reason": "herstart; gemeld als rerun_ended"}
    if SCHEDULED_TAG in run["tags"] and run["deployment_id"]:
        return {"action": "started_again", "rerun": start_again(run)}
    if run["state"] != "CRASHED":
        return {"action": "none", "reason": "mislukte run van een medewerker"}
    lines = [
        "Een run die een medewerker startte is gecrasht (geen fout in de invoer: de worker,"
        " de server of de machine viel weg). Hij is niet vanzelf opnieuw gestart.",
        *_describe(run),
        "Controleer in de UI wat al gedaan is en start de run opnieuw met dezelfde gegevens"
        " (veilig: wat al gedaan is, gebeurt niet nog eens).",
    ]
    alerted = tell_administrator(
        f"crashed:{run['id']}",
        f"Run {run['flow']} gecrasht; opnieuw starten na controle",
        [line for line in lines if line],
        as_of,
        staff_emails(run["parameters"]),
    )
    # on the work list of whoever started it, until they mark it done (close-work-item)
    listed = add_crashed_run(
        staff_keys(run["parameters"]),
        CrashedRun(run["id"], run["flow"], run["link"] or "", "\n".join(_describe(run))),
        as_of,
    )
    refresh_work_lists(as_of)
    return {"action": "reported", "alerted": alerted, "work_list": listed, **deliver_outbox()}


if __name__ == "__main__":
    import sys

    recover_run(RecoverRunInput(kind=sys.argv[1], flow_run_id=sys.argv[2]))
