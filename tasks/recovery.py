"""Tasks of the recovery of runs that crashed, failed or lost their worker (Prefect's API)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_UI_URL
from prefect.states import Crashed

from clm.services.alerts import alert_administrators
from clm.services.common import region_config
from clm.storage.db import UnitOfWork

RERUN_TAG = "herstart"  # a run started again by recover-run; never started again itself
RERUN_OF = "herstart-van-"  # + the id of the run it replaces
SCHEDULED_TAG = "auto-scheduled"  # Prefect's tag of a run its scheduler created


def run_id_of(text: str) -> UUID:
    """The run's id from an event's resource id (prefect.flow-run.<id>) or a bare id."""
    return UUID(text.removeprefix("prefect.flow-run."))


@task(name="read-run", cache_policy=NO_CACHE)
def read_run(flow_run_id: str) -> dict[str, Any]:
    """What recovery needs to know of a run: flow, deployment, state, tags, parameters."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id_of(flow_run_id))
        flow_name = client.read_flow(run.flow_id).name
    ui = str(PREFECT_UI_URL.value() or "")
    return {
        "id": str(run.id),
        "name": run.name,
        "flow": flow_name,
        "deployment_id": str(run.deployment_id) if run.deployment_id else None,
        "state": run.state.type.value if run.state else "",
        "state_name": run.state.name if run.state else "-",
        "message": ((run.state.message or "") if run.state else "")[:500],
        "tags": list(run.tags),
        "parameters": run.parameters,
        "started": f"{run.start_time:%d-%m-%Y %H:%M} (UTC)" if run.start_time else "-",
        "link": f"{ui}/runs/flow-run/{run.id}" if ui else "",
    }


@task(name="mark-crashed", cache_policy=NO_CACHE)
def mark_crashed(flow_run_id: str, why: str) -> bool:
    """Mark a run that still shows Running (or Pending) as Crashed; False when it had ended
    by itself meanwhile."""
    run_id = run_id_of(flow_run_id)
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
        if state is None or state.type not in (StateType.RUNNING, StateType.PENDING):
            return False
        client.set_flow_run_state(run_id, Crashed(message=why), force=True)
    return True


def rerun_delay() -> timedelta:
    """How long a rerun waits: long enough for a restarted database, server or worker to be
    back (CLM_RERUN_DELAY_SECONDS, default two minutes)."""
    return timedelta(seconds=int(os.environ.get("CLM_RERUN_DELAY_SECONDS", "120")))


@task(name="start-again", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=20)
def start_again(run: dict[str, Any]) -> str:
    """The same deployment with the same parameters, once, after :func:`rerun_delay`: the
    idempotency key makes a second request for the same run return the first rerun."""
    again = run_deployment(
        UUID(run["deployment_id"]),
        parameters=run["parameters"],
        scheduled_time=datetime.now(UTC) + rerun_delay(),
        tags=[RERUN_TAG, f"{RERUN_OF}{run['id']}"],
        idempotency_key=f"herstart-{run['id']}",
        timeout=0,
        as_subflow=False,
    )
    return str(again.id)


def staff_emails(parameters: dict[str, Any]) -> list[str]:
    """The addresses of the staff members named in a run's form (whoever started it)."""
    staff = region_config().staff_by_key
    return [staff[k].email for k in staff_keys(parameters)]


def staff_keys(parameters: dict[str, Any]) -> list[str]:
    """The keys of the staff members named in a run's form."""
    cfg = region_config()
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value in cfg.staff_by_key:
            found.append(value)

    walk(parameters)
    return list(dict.fromkeys(found))


# Patient: the fault that ended the run (a database restart, say) may not be over yet.
@task(name="tell-administrator", cache_policy=NO_CACHE, retries=6, retry_delay_seconds=30)
def tell_administrator(
    key: str, subject: str, lines: list[str], as_of: date, cc: list[str] | None = None
) -> bool:
    """One mail to the functional administrators (and ``cc``), once per key."""
    return alert_administrators(UnitOfWork(), region_config(), key, subject, lines, as_of, cc)
