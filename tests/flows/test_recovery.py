"""recover-run: a run without heartbeat is marked crashed, a scheduled run that crashed or
failed is started again once with its parameters, and the administrator hears once how it
ended; a crashed run of a staff member is reported, not repeated. (The automations that start
recover-run, and a worker killed for real, are in tests/e2e/test_recovery_*.py.)"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.states import Completed, Crashed, Failed, Running
from sqlalchemy import select

from clm.services.common import region_config
from clm.services.views import work_list
from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage, WorkItem
from flows.close_work_item import CloseWorkItemInput, close_work_item
from flows.recover_run import RecoverRunInput, recover_run
from tests.conftest import AS_OF


@flow(name="voorbeeld-nacht")
def nightly(params: dict) -> None:
    """A stand-in for a scheduled flow."""


def _deployed_run(tags: list[str], parameters: dict) -> UUID:
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow(nightly)
        deployment_id = client.create_deployment(flow_id, "clm-test", entrypoint="x.py:nightly")
        run = client.create_flow_run_from_deployment(
            deployment_id, parameters=parameters, tags=tags
        )
    return run.id


def _set(run_id: UUID, *states: object) -> None:
    with get_client(sync_client=True) as client:
        for state in states:
            client.set_flow_run_state(run_id, state, force=True)


def _read(run_id: UUID):  # noqa: ANN202
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def _alerts() -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        return list(
            uow.session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("alert:%")))
        )


def _recover(kind: str, run_id: UUID) -> dict:
    return recover_run(
        RecoverRunInput(as_of=AS_OF, kind=kind, flow_run_id=f"prefect.flow-run.{run_id}")
    )


def test_a_lost_scheduled_run_is_crashed_started_again_once_and_reported(
    sqlite_db: str, env: Path
) -> None:
    params = {"as_of": "2026-11-23"}
    lost = _deployed_run(["auto-scheduled"], params)
    _set(lost, Running())
    assert _recover("heartbeat_lost", lost) == {"action": "marked_crashed"}
    assert _read(lost).state.name == "Crashed"
    assert "hartslag" in _read(lost).state.message
    # the Crashed state starts recover-run again: the run is started again, once
    first = _recover("ended_badly", lost)
    again = _recover("ended_badly", lost)
    assert first["action"] == "started_again" and again["rerun"] == first["rerun"]
    rerun = _read(UUID(first["rerun"]))
    assert rerun.parameters == params
    assert {"herstart", f"herstart-van-{lost}"} <= set(rerun.tags)
    assert _alerts() == []  # the administrator hears once, when the rerun has ended
    _set(rerun.id, Running(), Completed())
    assert _recover("rerun_ended", rerun.id)["alerted"] is True
    assert _recover("rerun_ended", rerun.id)["alerted"] is False
    (alert,) = _alerts()
    assert alert.subject == "Geplande run voorbeeld-nacht gecrasht; herstart voltooid"
    assert str(lost) in alert.body_text and "Niets is dubbel verstuurd" in alert.body_text
    # a heartbeat that is late for a run that has ended meanwhile changes nothing
    assert _recover("heartbeat_lost", rerun.id) == {"action": "none"}


def test_a_failed_rerun_is_not_started_again_and_the_administrator_is_told(
    sqlite_db: str, env: Path
) -> None:
    failed = _deployed_run(["auto-scheduled"], {})
    _set(failed, Running(), Failed(message="database onbereikbaar"))
    rerun = UUID(_recover("ended_badly", failed)["rerun"])
    _set(rerun, Running(), Failed(message="database onbereikbaar"))
    assert _recover("ended_badly", rerun)["action"] == "none"
    _recover("rerun_ended", rerun)
    (alert,) = _alerts()
    assert alert.subject == "Geplande run voorbeeld-nacht mislukt; herstart ook mislukt"
    assert "start de run zelf opnieuw" in alert.body_text


def test_a_crashed_staff_run_is_reported_to_the_administrator_and_the_staff_member(
    sqlite_db: str, env: Path
) -> None:
    crashed = _deployed_run([], {"params": {"recorded_by": "cm-visser", "x": ["cm-jansen"]}})
    _set(crashed, Running(), Crashed(message="worker weg"))
    result = _recover("ended_badly", crashed)
    assert result["action"] == "reported"
    (alert,) = _alerts()
    assert alert.to_addrs == ["functioneelbeheer@regio.example.org"]
    assert set(alert.cc_addrs) == {"a.visser@regio.example.org", "m.jansen@regio.example.org"}
    assert "niet vanzelf opnieuw gestart" in alert.body_text
    # on the work list of each staff member named in its form, once, until they tick it off
    assert result["work_list"] == 2
    again = _recover("ended_badly", crashed)
    assert again["alerted"] is False and again["work_list"] == 0
    with UnitOfWork() as uow:
        items = uow.session.scalars(select(WorkItem).order_by(WorkItem.staff_key)).all()
        assert [i.staff_key for i in items] == ["cm-jansen", "cm-visser"]
        assert all(str(crashed) in i.detail for i in items)
        mine = items[1].id
    listed = work_list(UnitOfWork(), region_config(), AS_OF)
    assert set(listed[listed["kind"] == "run gecrasht"]["staff_key"]) == {"cm-jansen", "cm-visser"}
    assert (
        close_work_item(CloseWorkItemInput(as_of=AS_OF, item_id=mine, staff_key="cm-jansen"))[
            "closed"
        ]
        is False
    )  # someone else's point
    assert close_work_item(CloseWorkItemInput(as_of=AS_OF, item_id=mine, staff_key="cm-visser"))[
        "closed"
    ]
    listed = work_list(UnitOfWork(), region_config(), AS_OF)
    assert set(listed[listed["kind"] == "run gecrasht"]["staff_key"]) == {"cm-jansen"}
    # a staff run that failed (a refused file, say) is the answer to staff, not an alert
    refused = _deployed_run([], {})
    _set(refused, Running(), Failed(message="bestand afgekeurd"))
    assert _recover("ended_badly", refused)["action"] == "none"
