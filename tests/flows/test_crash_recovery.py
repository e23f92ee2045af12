"""A flow killed after its state change and before delivery: the next run delivers what is
pending, and nothing is sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL
from sqlalchemy import func, select

from clm.settings import PROJECT_DIR, get_settings
from clm.storage.db import UnitOfWork
from clm.storage.models import ClassificationRow, OutboxMessage
from flows.daily_sweep import DailySweepInput, daily_sweep
from tests.conftest import AS_OF
from tests.smtp import Recorder

# The real flow, in its own process, killed (SIGKILL: no clean-up runs) at the moment it
# would deliver the outbox, that is after the classification and its letters are committed.
KILLED_RUN = """
import os, signal, sys
import flows.yearly_classification as flow_module
from flows.yearly_classification import YearlyClassificationInput, yearly_classification

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

flow_module.deliver_outbox = killed
yearly_classification(YearlyClassificationInput(as_of=sys.argv[1]))
"""


def test_killed_before_delivery_then_delivered_once(
    demo: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: tuple[Recorder, int]
) -> None:
    handler, port = smtp_server
    monkeypatch.setenv("CLM_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("CLM_SMTP_PORT", str(port))
    get_settings.cache_clear()
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    run = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, AS_OF.isoformat()],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == -9, run.stderr[-2000:]  # killed, not finished

    with UnitOfWork() as uow:
        classified = uow.session.scalar(select(func.count()).select_from(ClassificationRow))
        pending = uow.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
    assert classified == 40 and pending == 40  # the state change and its letters were kept
    assert handler.accepted == []

    assert daily_sweep(DailySweepInput(as_of=AS_OF))["sent"] == 40
    assert daily_sweep(DailySweepInput(as_of=AS_OF))["sent"] == 0
    ids = Counter(str(m["Message-ID"]) for m in handler.accepted)
    assert len(ids) == 40 and set(ids.values()) == {1}
