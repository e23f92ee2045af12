"""The mailbox flow under Prefect against a real IMAP server (dovecot on 127.0.0.1): replies
delivered into the inbox, the flow run, the results in the database, the outbox and the
mailbox's folders."""

from __future__ import annotations

import email
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from prefect.blocks.system import Secret
from sqlalchemy import select

from clm.documents.datasheet import data_sheet_template
from clm.rules.config import RegionConfig
from clm.settings import get_settings
from clm.storage.db import UnitOfWork
from clm.storage.models import InboundMail, KpiValue, Minutes, OutboxMessage
from flows.read_mailbox import ReadMailboxInput, read_mailbox
from tests.flows.conftest import artifact_markdown
from tests.helpers import april_planned
from tests.imap import Imap
from tests.mailreplies import released_minutes, reply_to


@pytest.fixture
def mailbox(
    db: str,
    cfg: RegionConfig,
    env: Path,
    imap_server: Imap,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, date]:
    """The demo's April meeting planned, and the product reading the test's IMAP server the
    way production does (the password in a Prefect Secret block)."""
    Secret(value=imap_server.password).save("test-imap-password", overwrite=True)
    for key, value in {
        "IMAP_HOST": imap_server.host,
        "IMAP_PORT": str(imap_server.port),
        "IMAP_USER": imap_server.user,
        "IMAP_SECURITY": "none",
        "IMAP_PASSWORD_BLOCK": "test-imap-password",
    }.items():
        monkeypatch.setenv(f"CLM_{key}", value)
    get_settings.cache_clear()
    return april_planned(cfg, env / "intake")


def _sheet(cfg: RegionConfig, code: str, folder: Path) -> bytes:
    path = folder / "blad.xlsx"
    path.write_bytes(data_sheet_template(code, "x", "2027-Q1", cfg.sheet_kpis))
    book = load_workbook(path)
    for r, _ in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(r, 5, 7)
    book.save(path)
    return path.read_bytes()


def test_replies_in_the_mailbox_are_acted_on_once_and_filed(
    cfg: RegionConfig,
    mailbox: tuple[str, date],
    imap_server: Imap,
    tmp_path: Path,
) -> None:
    code, day = mailbox
    sent_on, minutes_key = released_minutes(cfg, code, day)
    imap_server.deliver(
        reply_to(
            f"meeting:2027-04:{code}:request",
            "Hierbij de cijfers.",
            attachments=[("Q1 gegevens.xlsx", _sheet(cfg, code, tmp_path))],
        )
    )
    imap_server.deliver(reply_to(minutes_key, "Akkoord!"))
    imap_server.deliver(reply_to(minutes_key, "akkoord", sender="onbekend@elders.example.com"))
    as_of = sent_on
    result = read_mailbox(ReadMailboxInput(as_of=as_of))
    assert (result["messages"], result["done"], result["unmatched"]) == (3, 2, 1)
    with UnitOfWork() as uow:
        assert {v for v in uow.session.scalars(select(KpiValue.value))} == {7}
        assert uow.session.scalar(select(Minutes.status)) == "final"
        final = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("minutes:%:final"))
        )
        receipt = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like(f"data:{code}:%"))
        )
        assert uow.session.scalar(
            select(InboundMail.status).where(InboundMail.status == "unmatched")
        )
    assert final.status == "sent" and receipt.status == "sent"  # delivered in the same run
    # nothing went back to the stranger
    with UnitOfWork() as uow:
        recipients = [a for m in uow.session.scalars(select(OutboxMessage)) for a in m.to_addrs]
    assert "onbekend@elders.example.com" not in recipients
    # filed, not deleted
    assert imap_server.folder("INBOX") == []
    assert len(imap_server.folder("Verwerkt")) == 2
    [stranger] = imap_server.folder("Niet-gekoppeld")
    assert "onbekend@elders.example.com" in email.message_from_bytes(stranger)["From"]
    assert "postvak gelezen" in artifact_markdown("bevestiging-post-lezen")
    # a second run finds nothing new; the same message delivered again changes nothing
    imap_server.deliver(imap_server.folder("Verwerkt")[0])
    again = read_mailbox(ReadMailboxInput(as_of=as_of))
    assert again["messages"] == 0
    assert imap_server.folder("INBOX") == [] and len(imap_server.folder("Verwerkt")) == 3


def test_without_a_mailbox_the_post_folder_is_read_and_points_are_confirmed_in_a_form(
    sqlite_db: str, cfg: RegionConfig, env: Path
) -> None:
    from clm.storage.models import AgendaPoint, WorkItem
    from flows.confirm_agenda_points import ConfirmAgendaPointsInput, confirm_agenda_points

    code, _ = april_planned(cfg, env / "intake")
    post = env / "intake" / "post"
    post.mkdir(parents=True, exist_ok=True)
    (post / "punten.eml").write_bytes(
        reply_to(f"meeting:2027-04:{code}:request", "Graag bespreken:\n- Wachttijden\n- Vervoer")
    )
    result = read_mailbox(ReadMailboxInput(as_of=date(2027, 3, 5)))
    assert (result["messages"], result["done"]) == (1, 1)
    assert "bespreekpunt" in artifact_markdown("bevestiging-post-lezen")
    with UnitOfWork() as uow:
        item = uow.session.scalar(select(WorkItem).where(WorkItem.kind == "agenda_points"))
    confirm_agenda_points(
        ConfirmAgendaPointsInput(
            item_id=item.id,
            decision="overnemen",  # the word the form's pick list shows
            rewording="Wachttijden in Almere\nVervoer naar school",
            staff_key=item.staff_key,
            as_of=date(2027, 3, 5),
        )
    )
    with UnitOfWork() as uow:
        points = uow.session.scalars(
            select(AgendaPoint.text).where(AgendaPoint.status == "confirmed")
        )
        assert list(points) == ["Wachttijden in Almere", "Vervoer naar school"]
    receipt = artifact_markdown("bevestiging-bespreekpunten-bevestigen")
    assert "Overgenomen: Vervoer naar school" in receipt and "definitieve agenda" in receipt
