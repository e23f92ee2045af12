"""Delivery over SMTP from a flow, with the password from a Prefect Secret block."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.blocks.system import Secret

from clm.config import RegionConfig
from clm.db import UnitOfWork
from clm.outbox import enqueue
from clm.settings import get_settings
from flows.daily_sweep import DailySweepInput, daily_sweep
from tests.conftest import AS_OF
from tests.smtp import Recorder


def test_daily_sweep_sends_over_smtp_with_the_secret_block(
    sqlite_db: str,
    cfg: RegionConfig,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Recorder, int],
) -> None:
    handler, port = smtp_server
    handler.password = "geheim-wachtwoord-123"
    Secret(value=handler.password).save("clm-test-smtp", overwrite=True)
    for key, value in {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_PORT": str(port),
        "SMTP_USER": "clm@regio.example.org",
        "SMTP_PASSWORD_BLOCK": "clm-test-smtp",
    }.items():
        monkeypatch.setenv(f"CLM_{key}", value)
    get_settings.cache_clear()
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
