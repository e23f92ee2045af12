"""The outbox: messages written with their change, delivered once, never lost.

Delivery goes to real transports: .eml files, and a real SMTP server (aiosmtpd) on 127.0.0.1
that refuses some messages."""

from __future__ import annotations

import email
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.demo import demo_providers, upsert_providers
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind
from clm.storage.db import UnitOfWork, bulk_rows
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment, FileTransport, HeaderInjection, SmtpTransport
from clm.storage.models import DossierEvent, OutboxMessage, Provider
from clm.storage.outbox import deliver_pending, enqueue
from tests.conftest import AS_OF, table_counts
from tests.helpers import enqueue_many
from tests.smtp import Recorder, free_port


def _statuses() -> dict[str, int]:
    with UnitOfWork() as uow:
        rows = uow.session.query(OutboxMessage.status).all()
    out: dict[str, int] = {}
    for (status,) in rows:
        out[status] = out.get(status, 0) + 1
    return out


def test_enqueue_is_idempotent_per_key(db: str, cfg: RegionConfig) -> None:
    enqueue_many(cfg, 3)
    before = table_counts()
    enqueue_many(cfg, 3)
    assert table_counts() == before


def test_file_transport_writes_each_message_once(db: str, cfg: RegionConfig, env: Path) -> None:
    enqueue_many(cfg, 5)
    outbox = env / "outbox"
    report = deliver_pending(UnitOfWork, FileTransport(outbox), cfg.mail)
    assert (report.sent, report.failed) == (5, 0)
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 5
    msg = email.message_from_bytes(files[0].read_bytes())
    assert msg["From"].endswith("<contractmanagement@regio.example.org>")
    assert msg["Message-ID"].endswith("@regio.example.org>")
    again = deliver_pending(UnitOfWork, FileTransport(outbox), cfg.mail)
    assert again.sent == 0
    assert len(list(outbox.glob("*.eml"))) == 5
    assert _statuses() == {"sent": 5}


@pytest.mark.parametrize("field", ["subject", "to"])
def test_line_breaks_in_headers_are_refused(sqlite_db: str, cfg: RegionConfig, field: str) -> None:
    values = {"subject": "Onderwerp", "to": ["a@zorg.example.org"]}
    values[field] = (
        "x\r\nBcc: kwaad@evil.example"
        if field == "subject"
        else ["a@zorg.example.org\nBcc: kwaad@evil.example"]
    )
    with UnitOfWork() as uow, pytest.raises(HeaderInjection):
        enqueue(uow.session, key="k", sender=cfg.mail, text="t", html="h", **values)


def test_smtp_transient_refusal_keeps_message_pending_then_delivers_once(
    db: str, cfg: RegionConfig, smtp_server: tuple[Recorder, int]
) -> None:
    handler, port = smtp_server
    enqueue_many(cfg, 6)
    handler.refuse, handler.refusal = {"aanbieder2@", "aanbieder4@"}, "451 try again later"
    report = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
    assert (report.sent, report.failed, report.refused) == (4, 2, 0)
    assert _statuses() == {"sent": 4, "pending": 2}
    with UnitOfWork() as uow:
        errors = [
            m.last_error
            for m in uow.session.query(OutboxMessage).filter(OutboxMessage.status == "pending")
        ]
    assert all("451" in e for e in errors)

    handler.refuse = set()
    report = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
    assert (report.sent, report.failed) == (2, 0)
    ids = [m["Message-ID"] for m in handler.accepted]
    assert len(ids) == len(set(ids)) == 6
    assert _statuses() == {"sent": 6}
    html_part = [p for p in handler.accepted[0].walk() if p.get_content_type() == "text/html"]
    assert html_part, "the message has an HTML alternative"


def test_smtp_permanent_refusal_sets_the_message_aside_and_tells_the_administrator_once(
    db: str, cfg: RegionConfig, smtp_server: tuple[Recorder, int]
) -> None:
    """A 5xx for the recipient is final: the message is set aside with the server's answer,
    never tried again, the rest is delivered, and the administrator hears of it once."""
    from clm.services.alerts import report_refused_mail

    handler, port = smtp_server
    enqueue_many(cfg, 5)
    handler.refuse = {"aanbieder3@"}  # 550 mailbox unavailable
    report = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
    assert (report.sent, report.failed, report.refused) == (4, 0, 1)
    assert _statuses() == {"sent": 4, "refused": 1}
    with UnitOfWork() as uow:
        reason = uow.session.query(OutboxMessage.last_error).filter_by(status="refused").scalar()
    assert "550" in reason

    handler.refuse = set()  # the server would take it now, but a refused message stays aside
    again = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
    assert (again.sent, again.failed) == (0, 0)
    assert report_refused_mail(UnitOfWork(), cfg, AS_OF) == 1
    assert report_refused_mail(UnitOfWork(), cfg, AS_OF) == 0
    with UnitOfWork() as uow:
        alert = uow.session.query(OutboxMessage).filter(OutboxMessage.key.like("alert:%")).one()
    assert "aanbieder3@zorg.example.org" in alert.body_text and "550" in alert.body_text


def _enqueue_to(cfg: RegionConfig, key: str, to: str) -> None:
    with UnitOfWork() as uow:
        enqueue(
            uow.session,
            key=key,
            sender=cfg.mail,
            to=[to],
            subject="Één bericht",
            text="Beste,",
            html="<p>Beste,</p>",
        )
        uow.commit()


def test_addresses_beyond_ascii_over_smtp(
    db: str, cfg: RegionConfig, smtp_server: tuple[Recorder, int]
) -> None:
    """A domain beyond ASCII goes in its IDNA form; a mailbox part beyond ASCII goes as it
    is, with SMTPUTF8, to a server that takes it; a server that does not gets the message
    set aside with the reason (no retry changes that), and the rest goes on."""
    handler, port = smtp_server
    _enqueue_to(cfg, "idn", "info@zorg-één.example.org")
    _enqueue_to(cfg, "utf8", "jöran@zorg.example.org")
    report = deliver_pending(UnitOfWork, SmtpTransport("127.0.0.1", port, None, None), cfg.mail)
    assert (report.sent, report.failed, report.refused) == (2, 0, 0)
    received = [m.as_bytes() for m in handler.accepted]
    assert any(b"\nTo: info@xn--zorg-n-fvaa.example.org\n" in raw for raw in received)
    assert any("\nTo: jöran@zorg.example.org\n".encode() in raw for raw in received)

    plain = Recorder()
    other = Controller(plain, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=False)
    other.start()
    try:
        _enqueue_to(cfg, "utf8-again", "jöran@zorg.example.org")
        _enqueue_to(cfg, "ascii", "info@zorg.example.org")
        transport = SmtpTransport("127.0.0.1", other.port, None, None)
        report = deliver_pending(UnitOfWork, transport, cfg.mail)
    finally:
        other.stop()
    assert (report.sent, report.failed, report.refused) == (1, 0, 1)
    assert [str(m["To"]) for m in plain.accepted] == ["info@zorg.example.org"]
    with UnitOfWork() as uow:
        refused = uow.session.query(OutboxMessage).filter_by(status="refused").one()
    assert refused.key == "utf8-again" and "SMTPUTF8" in refused.last_error


@pytest.mark.parametrize("to", [[], ["geen-adres"], ["a b@zorg.example.org", "@x.nl"]])
def test_a_message_without_a_valid_address_is_set_aside_when_written(
    db: str, cfg: RegionConfig, env: Path, to: list[str]
) -> None:
    with UnitOfWork() as uow:
        enqueue(uow.session, key="k", sender=cfg.mail, to=to, subject="s", text="t", html="h")
        uow.commit()
    assert _statuses() == {"refused": 1}
    report = deliver_pending(UnitOfWork, FileTransport(env / "outbox"), cfg.mail)
    assert (report.sent, report.failed) == (0, 0)
    with UnitOfWork() as uow:
        assert "geen geldig adres" in uow.session.query(OutboxMessage.last_error).scalar()


def test_one_run_empties_the_outbox_in_batches(db: str, cfg: RegionConfig, env: Path) -> None:
    enqueue_many(cfg, 7)
    report = deliver_pending(UnitOfWork, FileTransport(env / "outbox"), cfg.mail, batch=2)
    assert report.sent == 7
    assert _statuses() == {"sent": 7}


def _reminder(session: Session, cfg: RegionConfig, key: str, provider_id: int, actor: str) -> None:
    """A reminder as the sweep writes one: a mail and its dossier event."""
    enqueue(
        session,
        key=key,
        sender=cfg.mail,
        to=["a@zorg.example.org"],
        subject=f"Herinnering {key}",
        text="t",
        html="h",
        provider_id=provider_id,
    )
    record_event(
        session,
        key=key,
        provider_id=provider_id,
        kind=EventKind.ACTION_REMINDER,
        summary=f"Herinnering {key}",
        actor=actor,
        as_of=AS_OF,
    )


def test_rows_written_in_bulk_go_in_at_the_end_as_the_orm_writes_them(
    db: str, cfg: RegionConfig
) -> None:
    """A batch (the deadline sweep) writes its mails, events and references through
    bulk_rows: inserted at the end, one statement per table, with the columns' defaults, the
    same as row by row; a message with attachments still goes through the ORM."""
    upsert_providers(UnitOfWork(), demo_providers(cfg, count=1))
    with UnitOfWork() as uow:
        provider_id = uow.session.scalar(select(Provider.id))
        with bulk_rows(uow.session):
            for i in range(3):
                _reminder(uow.session, cfg, f"bulk:{i}", provider_id, "systeem")
            enqueue(
                uow.session,
                key="bulk:file",
                sender=cfg.mail,
                to=["a@zorg.example.org"],
                subject="Met bijlage",
                text="t",
                html="h",
                attachments=[Attachment("a.pdf", "application/pdf", b"%PDF")],
            )
        uow.commit()
    with UnitOfWork() as uow:
        messages = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.key)).all()
        events = uow.session.scalars(select(DossierEvent)).all()
        assert [(m.key, m.status, m.attempts, m.cc_addrs) for m in messages] == [
            ("bulk:0", "pending", 0, []),
            ("bulk:1", "pending", 0, []),
            ("bulk:2", "pending", 0, []),
            ("bulk:file", "pending", 0, []),
        ]
        assert all(m.created_at is not None for m in messages)
        assert [len(m.attachments) for m in messages] == [0, 0, 0, 1]
        assert sorted(e.key for e in events) == ["bulk:0", "bulk:1", "bulk:2"]
        assert all(e.occurred_at is not None and e.data == {} for e in events)


def test_a_value_too_long_in_bulk_is_refused_and_nothing_written(
    db: str, cfg: RegionConfig
) -> None:
    """The schema's limits hold for rows written in bulk as for every flush: PostgreSQL
    would refuse the row raw, SQLite store it; both refuse it by table and column."""
    upsert_providers(UnitOfWork(), demo_providers(cfg, count=1))
    before = table_counts()
    with UnitOfWork() as uow:
        provider_id = uow.session.scalar(select(Provider.id))
        with pytest.raises(InvalidInput) as refused, bulk_rows(uow.session):
            _reminder(uow.session, cfg, "bulk:ok", provider_id, "systeem")
            _reminder(uow.session, cfg, "bulk:long", provider_id, "x" * 101)
    assert "dossier_events.actor" in str(refused.value) and "hoogstens 100" in str(refused.value)
    assert table_counts() == before
