"""Signals and the first steps of the ladder through the flows, under the test harness.
(Steps that wait for approval suspend their run; that needs a deployment and a worker, so
it is tested end to end in tests/e2e.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from clm.rules.config import load_config
from clm.services.deadlines import step_terms
from clm.settings import PROJECT_DIR
from clm.storage.db import UnitOfWork
from clm.storage.models import ApprovalCode, EscalationStep, OutboxMessage, Provider
from flows.close_escalation import CloseEscalationInput, close_escalation
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.escalation import EscalationInput, escalation
from flows.record_signal import RecordSignalInput, record_signal
from tests.conftest import AS_OF, table_counts
from tests.flows.conftest import artifact_markdown


def test_signal_step_two_and_the_sweep(demo: Path) -> None:
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code)).first()
    assert record_signal(
        RecordSignalInput(
            provider_code=code,
            kind="quality",
            source="toegangsteam Almere",
            description="Meerdere klachten over bejegening",
            recorded_by="cm-jansen",
            as_of=AS_OF,
        )
    )["recorded"]
    out = escalation(
        EscalationInput(
            provider_code=code,
            step=2,
            reason="Klachten over bejegening blijven komen",
            requested_by="cm-jansen",
            heard_on=AS_OF,
            hearing_summary="Gesprek met bestuur",
            as_of=AS_OF,
        )
    )
    assert out["status"] == "active"
    with UnitOfWork() as uow:
        assert "plan_due" in step_terms(uow.session, out["step_id"])
    sweep = daily_sweep(DailySweepInput(as_of=AS_OF))
    assert sweep["open_signals"] == 1
    table = artifact_markdown("open-signalen")
    assert "Meerdere klachten over bejegening" in table and "kwaliteit" in table
    before = table_counts()
    daily_sweep(DailySweepInput(as_of=AS_OF))
    assert table_counts() == before
    assert close_escalation(
        CloseEscalationInput(
            provider_code=code, reason="Verbeterplan uitgevoerd", closed_by="cm-jansen", as_of=AS_OF
        )
    )["closed"]


def _run_in_thread(fn, *args):  # noqa: ANN001, ANN202
    """Run a flow in a thread that shares this test's Prefect settings (the harness)."""
    import contextvars
    import threading

    box: dict = {}
    context = contextvars.copy_context()
    thread = threading.Thread(target=lambda: box.update(result=context.run(fn, *args)))
    thread.start()
    return thread, box


def _resume_when_paused(flow_name: str, run_input: dict) -> str:
    """Resume the paused run with ``run_input``; the description the decision form showed."""
    import json
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    for _ in range(240):
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
                ),
            )
        if runs:
            keyset = runs[0].state.state_details.run_input_keyset or {}
            with get_client(sync_client=True) as client:
                description = client.read_flow_run_input(runs[0].id, keyset["description"])
            resume_flow_run(runs[0].id, run_input=run_input)
            return json.loads(description) if description else ""
        time.sleep(0.5)
    raise AssertionError("the escalation run never paused for approval")


def test_from_signal_to_payment_suspension_with_approval(demo: Path) -> None:
    from datetime import date, timedelta

    from clm.storage.models import Signal

    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code).order_by(Provider.code)).all()[1]
    record_signal(
        RecordSignalInput(
            provider_code=code,
            kind="continuity",
            source="toegang",
            description="Cliënten wachten maanden op start zorg",
            recorded_by="cm-visser",
            as_of=date(2027, 3, 1),
        )
    )
    first = escalation(
        EscalationInput(
            provider_code=code,
            step=1,
            reason="Wachttijden ver boven de norm",
            requested_by="cm-visser",
            heard_on=date(2027, 3, 3),
            hearing_summary="Gesprek",
            as_of=date(2027, 3, 4),
        )
    )
    answer_due = date(2027, 3, 25)  # 15 working days after 4 March
    with UnitOfWork() as uow:
        assert step_terms(uow.session, first["step_id"]) == {"answer_due": answer_due}
    # the sweep: a reminder before the term, a signal after it, each once, also after a gap
    assert daily_sweep(DailySweepInput(as_of=date(2027, 3, 22)))["escalation_reminders"] == 1
    assert daily_sweep(DailySweepInput(as_of=date(2027, 3, 22)))["escalation_reminders"] == 0
    late = daily_sweep(DailySweepInput(as_of=answer_due + timedelta(days=5)))
    assert late["escalation_signals"] == 1
    assert (
        daily_sweep(DailySweepInput(as_of=answer_due + timedelta(days=6)))["escalation_signals"]
        == 0
    )

    # each approver (a contract manager, never the requester) gets a one-time code by mail;
    # a wrong code is asked again in the same run, with the reason above the form
    # step 4 only once the notice of default's recovery term (20 working days) has passed
    cfg = load_config(PROJECT_DIR / "config" / "region.yaml")
    used = ""
    for step, approver, on in (
        (3, "cm-jansen", date(2027, 4, 9)),
        (4, "cm-bakker", date(2027, 6, 1)),
    ):
        params = EscalationInput(
            provider_code=code,
            step=step,
            requested_by="cm-visser",
            reason="Geen herstel na de eerdere stap",
            as_of=on,
        )
        thread, box = _run_in_thread(escalation, params)
        wrong = used or "ABCD-EFGH"  # last step's code, used up, or a made-up one
        first_form = _resume_when_paused(
            "escalation", {"decision": "goedkeuren", "code": wrong, "remark": "akkoord"}
        )
        assert f"AGB {code}" in first_form and f"Trede {step}" in first_form, first_form
        assert "Anouk Visser" in first_form  # who asked, by name
        codes = _codes_mailed(demo, step)
        assert set(codes) == {
            cfg.staff_by_key[k].email for k in ("cm-jansen", "cm-bakker")
        }  # not to the requester
        typed = codes[cfg.staff_by_key[approver].email].lower().replace("-", " ")
        second_form = _resume_when_paused(
            "escalation", {"decision": "goedkeuren", "code": typed, "remark": "akkoord"}
        )
        assert "Vorig antwoord niet aanvaard" in second_form
        assert "hoort niet bij deze trede" in second_form, second_form
        thread.join(timeout=120)
        assert box["result"]["status"] == "active"
        with UnitOfWork() as uow:
            decided = uow.session.scalar(
                select(EscalationStep.decided_by).where(EscalationStep.step == step)
            )
            stored = uow.session.scalars(select(OutboxMessage.body_text)).all()
            hashes = uow.session.scalars(select(ApprovalCode.code_hash)).all()
        assert decided == approver  # the code's owner, not a name typed in a form
        receipt = artifact_markdown("bevestiging-escalatie-trede")
        assert f"Trede {step}: genomen" in receipt and "(verzonden)" in receipt, receipt
        used = codes[cfg.staff_by_key[approver].email]
        assert not any(c in body for body in stored for c in codes.values())  # wiped
        assert len(hashes) == 2 * (step - 2) and not any(c in hashes for c in codes.values())
    with UnitOfWork() as uow:
        steps = uow.session.execute(
            select(EscalationStep.step, EscalationStep.status).order_by(EscalationStep.id)
        ).all()
        assert uow.session.scalar(select(Signal.id).where(Signal.key.like("escalation-step:%")))
    assert steps == [(1, "superseded"), (3, "superseded"), (4, "active")]


def _codes_mailed(var: Path, step: int) -> dict[str, str]:
    """The one-time codes of ``step`` as the approvers received them: address -> code."""
    import email
    import email.policy

    from clm.rules.escalation import ONE_TIME_CODE

    found = {}
    for path in sorted((var / "outbox").glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["Subject"].startswith(f"Goedkeuring gevraagd: trede {step} "):
            text = msg.get_body(preferencelist=("plain",)).get_content()
            found[str(msg["To"])] = ONE_TIME_CODE.search(text).group(0)
    return found
