"""Delivery over SMTP from a flow, with the password from a Prefect Secret block."""

from __future__ import annotations

from pathlib import Path

import pytest

from clm.config import RegionConfig
from clm.db import UnitOfWork
from clm.outbox import enqueue
from flows.daily_sweep import DailySweepInput, daily_sweep
from tests.conftest import AS_OF
from tests.smtp import Recorder, mail_over_smtp


def test_daily_sweep_sends_over_smtp_with_the_secret_block(
    sqlite_db: str,
    cfg: RegionConfig,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Recorder, int],
) -> None:
    handler, port = smtp_server
    handler.password = "geheim-wachtwoord-123"
    mail_over_smtp(monkeypatch, port, handler.password, "clm-test-smtp")
    with UnitOfWork() as uow:
        for i in range(3):
            enqueue(
                uow.session,
                key=f"sweep:{i}",
                sender=cfg.mail,
                to=[f"p{i}@zorg.example.org"],
                subject="Test",
                text="t",
                html="<p>t</p>",
            )
        uow.commit()

    assert daily_sweep(DailySweepInput(as_of=AS_OF))["sent"] == 3
    assert len(handler.accepted) == 3
    assert handler.logins == ["clm@regio.example.org"]
    assert daily_sweep(DailySweepInput(as_of=AS_OF))["sent"] == 0
    assert len(handler.accepted) == 3
