"""Signals and the first steps of the ladder through the flows, under the test harness.
(Steps that wait for approval suspend their run; that needs a deployment and a worker, so
it is tested end to end in tests/e2e.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from clm.db import UnitOfWork
from clm.models import EscalationStep, Provider
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
        step = uow.session.get(EscalationStep, out["step_id"])
    assert "plan_due" in step.terms
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
