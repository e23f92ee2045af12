"""Delivery over SMTP from a flow, with the password from a Prefect Secret block."""

from __future__ import annotations

from pathlib import Path

import pytest

from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from clm.storage.outbox import enqueue
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


def test_outbox_folder_refusing_writes_delays_delivery_and_loses_nothing(
    sqlite_db: str, cfg: RegionConfig, env: Path
) -> None:
    """The outbox folder cannot be written (here: a file stands where the folder should be,
    which stops root as well) when the sweep delivers: the messages stay pending, the
    delivery task tries again, and once the folder is back each message is written once."""
    import threading
    import time

    from sqlalchemy import select

    from clm.storage.models import OutboxMessage
    from tests.helpers import enqueue_many

    enqueue_many(cfg, 5)
    outbox = env / "outbox"
    if outbox.exists():
        outbox.rmdir()
    outbox.write_text("hier hoort een map")

    def folder_back() -> None:
        time.sleep(8)
        outbox.unlink()
        outbox.mkdir()

    repair = threading.Thread(target=folder_back)
    repair.start()
    result = daily_sweep(DailySweepInput(as_of=AS_OF))
    repair.join()
    assert result["sent"] == 5
    with UnitOfWork() as uow:
        rows = uow.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert {status for status, _ in rows} == {"sent"}
    assert len(list(outbox.glob("*.eml"))) == 5
