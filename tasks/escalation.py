"""Tasks of the escalation ladder and the signals."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services import approval_codes, objections
from clm.services import escalation as service
from clm.services.common import region_config
from clm.services.signals import record_signal
from clm.services.views import open_signals
from clm.storage.db import UnitOfWork
from tasks.worklist import ui_url


# Persisted and cached on its inputs within the run: when a suspended run resumes, the
# request is not made a second time.
@task(name="request-step", persist_result=True)
def request(req: service.StepRequest, as_of: date) -> int:
    """Record the requested step (taken at once for steps 1 and 2)."""
    return service.request_step(UnitOfWork(), region_config(), req, as_of)


@task(name="step-status", cache_policy=NO_CACHE)
def status_of(step_id: int) -> str:
    """Whether the step still waits for approval (a rerun finds it decided already)."""
    return service.step_status(UnitOfWork(), step_id)


@task(name="remember-approval-run", cache_policy=NO_CACHE)
def remember_approval_run(step_id: int, run_id: str) -> None:
    """The run a step's approval waits in, for the approvers' work lists."""
    service.set_approval_run(UnitOfWork(), step_id, run_id)


@task(name="issue-approval-codes", cache_policy=NO_CACHE)
def issue_approval_codes(step_id: int, as_of: date, run_id: str) -> int:
    """Mail each approver of the step their own one-time code (once), with the link to the
    waiting run's page, where its Resume dialog is."""
    ui = ui_url()
    link = f"{ui}/runs/flow-run/{run_id}" if ui and run_id else ""
    return approval_codes.issue_codes(UnitOfWork(), region_config(), step_id, as_of, link)


@task(name="check-approval-code", persist_result=True)
def redeem_approval_code(step_id: int, code: str, attempt: int, as_of: date) -> tuple[str, str]:
    """(who decides, '') for a valid one-time code, used up now; ('', why) otherwise. Kept
    per attempt, so the run that starts again after the Resume gets the same answer."""
    return approval_codes.redeem_code(UnitOfWork(), step_id, code, as_of)


@task(name="lapse-step", cache_policy=NO_CACHE)
def lapse(step_id: int, why: str, as_of: date) -> str:
    """Let a waiting step lapse: it no longer blocks a new request."""
    return service.lapse_step(UnitOfWork(), step_id, why, as_of)


@task(name="approval-context", cache_policy=NO_CACHE)
def approval_context(step_id: int) -> str:
    """What is being approved, for the description of the decision form."""
    return service.approval_context(UnitOfWork(), step_id, region_config())


@task(name="decide-step", persist_result=True)
def decide(step_id: int, approve: bool, decided_by: str, remark: str, as_of: date) -> str:
    """The second person's approval or rejection; an approved step takes effect."""
    return service.decide_step(
        UnitOfWork(), region_config(), step_id, approve, decided_by, remark, as_of
    )


@task(name="register-objection")
def objection(
    step_id: int, received_on: date, summary: str, registered_by: str, as_of: date
) -> dict:
    """The provider's objection: in time or late, suspensive or not."""
    result = objections.register_objection(
        UnitOfWork(), region_config(), step_id, received_on, summary, registered_by, as_of
    )
    return {
        "in_time": result.in_time,
        "suspends": result.suspends,
        "director_talk_due": result.director_talk_due.isoformat(),
    }


@task(name="close-escalation")
def close(provider_code: str, reason: str, closed_by: str, as_of: date) -> bool:
    """Close the open escalation with a reason."""
    return service.close_escalation(UnitOfWork(), provider_code, reason, closed_by, as_of)


@task(name="record-signal")
def signal(
    provider_code: str, kind: str, source: str, description: str, recorded_by: str, as_of: date
) -> bool:
    """A signal recorded by staff."""
    return record_signal(
        UnitOfWork(), region_config(), provider_code, kind, source, description, recorded_by, as_of
    )


@task(name="load-open-signals")
def load_open_signals() -> list[dict]:
    """Every open signal, for the contract managers' table."""
    return [asdict(s) for s in open_signals(UnitOfWork(), region_config())]


@task(name="record-registered-mail")
def registered_mail(step_id: int, tracking: str, recorded_by: str, as_of: date) -> bool:
    """The registered-mail number of a notice of default."""
    return objections.record_registered_mail(UnitOfWork(), step_id, tracking, recorded_by, as_of)


@task(name="record-talk-outcome")
def talk_outcome(
    step_id: int, outcome: str, measure_stands: bool, recorded_by: str, as_of: date
) -> str:
    """The outcome of the director-level talk about an objection."""
    return objections.record_talk_outcome(
        UnitOfWork(), step_id, outcome, measure_stands, recorded_by, as_of, region_config()
    )
