"""The functional administrator hears of a failed run and of a daily sweep that did not run
(the flow the automations in prefect.yaml start)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from sqlalchemy import select

from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage
from flows.notify_administrator import NotifyAdministratorInput, notify_administrator
from tests.conftest import AS_OF, table_counts


@flow(name="mislukt-voorbeeld")
def _failing() -> None:
    raise RuntimeError("schijf vol")


def test_failed_run_is_reported_once(sqlite_db: str, env: Path) -> None:
    state = _failing(return_state=True)
    assert state.is_failed()
    run_id = f"prefect.flow-run.{state.state_details.flow_run_id}"
    params = NotifyAdministratorInput(as_of=AS_OF, kind="failed", flow_run_id=run_id)
    assert notify_administrator(params) == {"alerted": True, "sent": 1, "set_aside": 0}
    with UnitOfWork() as uow:
        mail = uow.session.scalar(select(OutboxMessage))
    assert mail.to_addrs == ["functioneelbeheer@regio.example.org"]
    assert mail.subject == "Geplande run mislukt: mislukt-voorbeeld (deployment -)"
    assert "schijf vol" in mail.body_text and "Failed" in mail.body_text
    before = table_counts()
    assert notify_administrator(params) == {"alerted": False, "sent": 0, "set_aside": 0}
    assert table_counts() == before


def test_missing_sweep_is_reported_once_a_day(sqlite_db: str, env: Path) -> None:
    params = NotifyAdministratorInput(as_of=AS_OF, kind="sweep_missing")
    assert notify_administrator(params)["alerted"] is True
    assert notify_administrator(params)["alerted"] is False
    with UnitOfWork() as uow:
        subjects = uow.session.scalars(select(OutboxMessage.subject)).all()
    assert subjects == ["De dagelijkse ronde heeft niet gedraaid"]
