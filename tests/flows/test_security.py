"""Security: names and texts with HTML are escaped, header injection is refused, the SMTP
password is never written anywhere, and files named in a form stay inside the intake folder."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter
from pydantic import ValidationError
from sqlalchemy import select, text

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.services.common import resolve_intake_file
from clm.storage.db import UnitOfWork
from clm.storage.mail import HeaderInjection
from clm.storage.models import Base, Meeting, OutboxMessage, Provider
from clm.storage.outbox import enqueue
from flows.admit_provider import AdmitProviderInput
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.import_declarations import ImportDeclarationsInput, import_declarations
from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation
from flows.record_signal import RecordSignalInput, record_signal
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, table_counts
from tests.smtp import Recorder, mail_over_smtp

EVIL = "<script>alert('x')</script> & Zorg"


def test_names_and_texts_with_html_are_escaped_in_every_mail(demo: Path) -> None:
    with UnitOfWork() as uow:
        provider = uow.session.scalars(select(Provider).order_by(Provider.code)).first()
        provider.name, provider.contact_name = EVIL, "<b>Jan</b>"
        code = provider.code
        uow.commit()
    yearly_classification(YearlyClassificationInput(as_of=AS_OF))  # letters
    record_signal(
        RecordSignalInput(
            as_of=AS_OF,
            provider_code=code,
            kind="quality",
            source="<img src=x onerror=alert(1)>",
            description="<script>steal()</script>",
            recorded_by="cm-jansen",
        )
    )
    quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))  # agenda + request
    with UnitOfWork() as uow:
        meeting = uow.session.scalar(select(Meeting).join(Provider).where(Provider.code == code))
        final_day = meeting.final_agenda_due
    daily_sweep(DailySweepInput(as_of=final_day))  # final agenda with the open signal

    with UnitOfWork() as uow:
        mails = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.provider_id == provider.id)
        ).all()
    assert len(mails) >= 4  # letter, signal, data request, final agenda
    for mail in mails:
        assert "<script>" not in mail.body_html and "<img" not in mail.body_html, mail.key
        assert "<b>Jan</b>" not in mail.body_html, mail.key
        assert "\n" not in mail.subject and "\r" not in mail.subject
    assert any("&lt;script&gt;alert(" in m.body_html for m in mails)


def test_header_injection_is_refused_and_nothing_written(sqlite_db: str, cfg: RegionConfig) -> None:
    before = table_counts()
    for to, subject in (
        (["a@zorg.example.org"], "Hallo\r\nBcc: dief@example.org"),
        (["a@zorg.example.org\nBcc: dief@example.org"], "Hallo"),
        (["a@zorg.example.org"], "Hallo\nX-Extra: 1"),
    ):
        with UnitOfWork() as uow, pytest.raises(HeaderInjection, match="regeleinde"):
            enqueue(
                uow.session,
                key="inject",
                sender=cfg.mail,
                to=to,
                subject=subject,
                text="t",
                html="t",
            )
    assert table_counts() == before
    with pytest.raises(ValidationError, match="contact_email"):
        AdmitProviderInput(
            provider_code="99000001",
            name="X",
            contact_name="Y",
            contact_email="a@b.nl\r\nBcc: c@d.nl",
            contract_manager="cm-jansen",
            care_types=["AMB"],
            applied_on=date(2026, 11, 1),
            checklist=[{"key": "big", "met": True, "document": "d"}],
            specialisation=5,
            information=5,
            political_importance=5,
        )


PASSWORD = "Zeer-Geheim-wachtwoord-7781!"


def test_smtp_password_never_in_logs_artifacts_parameters_or_dossier(
    sqlite_db: str,
    cfg: RegionConfig,
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Recorder, int],
) -> None:
    handler, port = smtp_server
    handler.password = PASSWORD
    mail_over_smtp(monkeypatch, port, PASSWORD, "clm-security-smtp")
    with UnitOfWork() as uow:
        enqueue(
            uow.session,
            key="secret-test",
            sender=cfg.mail,
            to=["p@zorg.example.org"],
            subject="Test",
            text="t",
            html="<p>t</p>",
        )
        uow.commit()
    state = daily_sweep(DailySweepInput(as_of=AS_OF), return_state=True)
    assert state.is_completed() and handler.logins == ["clm@regio.example.org"]

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
        logs = client.read_logs(log_filter=LogFilter())
        artifacts = client.read_artifacts()
    written = [
        json.dumps(run.parameters, default=str),
        *(log.message for log in logs),
        *(json.dumps(a.data, default=str) for a in artifacts),
    ]
    with UnitOfWork() as uow:  # every row of every domain table, dossier and outbox included
        for table in Base.metadata.sorted_tables:
            rows = uow.session.execute(text(f"SELECT * FROM {table.name}")).all()
            written += [repr(tuple(r)) for r in rows]
    for root, _dirs, files in os.walk(env):  # outbox, logs, exports, reports
        for name in files:
            written.append((Path(root) / name).read_bytes().decode("utf-8", "replace"))
    assert all(PASSWORD not in item for item in written)


@pytest.mark.parametrize(
    "name",
    ["../buiten.csv", "/etc/hostname", "sub/../../buiten.csv", "link-naar-buiten.csv"],
)
def test_files_named_in_a_form_stay_in_the_intake_folder(demo: Path, name: str) -> None:
    intake = demo / "intake"
    (demo / "buiten.csv").write_text("geheim", encoding="utf-8")
    (intake / "link-naar-buiten.csv").symlink_to(demo / "buiten.csv")
    with pytest.raises(InvalidInput) as err:
        resolve_intake_file(name, "file")
    assert "buiten de intakemap" in str(err.value.problems[0])
    before = table_counts()
    with pytest.raises(InvalidInput):
        import_declarations(ImportDeclarationsInput(as_of=AS_OF, file_name=name))
    assert table_counts() == before
