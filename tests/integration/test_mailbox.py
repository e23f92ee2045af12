"""Providers' replies by mail, on a real database (SQLite and PostgreSQL), read from the post
folder: matched by reference and sender, acted on once, kept in the dossier."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from clm.clock import REGION_TZ, utcnow
from clm.documents.datasheet import data_sheet_template
from clm.rules.config import RegionConfig
from clm.rules.minutes import ItemDraft, MinutesDraft
from clm.services import escalation as escalation_svc
from clm.services import minutes as minutes_svc
from clm.services.mailbox import process_source
from clm.services.meeting_changes import confirm_agenda_points
from clm.services.meetings import meeting_context
from clm.storage.db import UnitOfWork
from clm.storage.mailbox import FolderSource
from clm.storage.models import (
    AgendaPoint,
    DossierDocument,
    DossierEvent,
    InboundMail,
    KpiValue,
    MailReference,
    Meeting,
    Minutes,
    Objection,
    OutboxAttachment,
    OutboxMessage,
    Provider,
    WorkItem,
)
from tests.conftest import table_counts
from tests.mailreplies import released_minutes, reply_to

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

APRIL = date(2027, 4, 1)
MARCH_5 = date(2027, 3, 5)


@pytest.fixture
def meeting(april_db: tuple[str, date]) -> tuple[str, date]:
    """A planned April meeting whose data request is in the outbox: (code, meeting day)."""
    return april_db


def _post(env: Path) -> Path:
    return env / "intake" / "post"


def _drop(env: Path, name: str, raw: bytes) -> None:
    folder = _post(env)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(raw)


def _read(cfg: RegionConfig, env: Path, as_of: date = MARCH_5) -> list:
    return process_source(UnitOfWork, cfg, FolderSource(_post(env)), as_of)


def _sheet(cfg: RegionConfig, code: str, value: object = 4) -> bytes:
    # in memory: a file in /tmp would be shared by parallel test workers
    book = load_workbook(io.BytesIO(data_sheet_template(code, "x", "2027-Q1", cfg.sheet_kpis)))
    for r, _ in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(r, 5, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _request_key(code: str) -> str:
    return f"meeting:2027-04:{code}:request"


def _inbound() -> list[InboundMail]:
    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(InboundMail).order_by(InboundMail.id)))


def _work(kind: str) -> list[WorkItem]:
    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(WorkItem).where(WorkItem.kind == kind)))


def test_a_mail_that_expects_an_answer_carries_its_reference(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    code, _ = meeting
    with UnitOfWork() as uow:
        row = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key == _request_key(code))
        )
    assert row.reference and f"[CLM-{row.reference}]" in row.subject
    assert f"CLM-{row.reference}" in row.body_text and "streepje" in row.body_text
    from clm.storage.outbox import reply_to_of

    assert reply_to_of(cfg.mail, row.reference) == (
        f"contractbeheer+CLM-{row.reference}@regio.example.org"
    )


def test_a_reply_with_the_data_sheet_and_agenda_points(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    body = (
        "Beste Marieke,\n\nHierbij onze gegevens. Graag bespreken wij:\n"
        "- Wachttijden in Almere\n- Instroom vanuit het onderwijs\n\nMet vriendelijke groet"
    )
    # the subject lost its reference (some programs rewrite it): the reply headers carry it
    raw = reply_to(
        _request_key(code),
        body,
        attachments=[("gegevens Q1.xlsx", _sheet(cfg, code))],
        subject="RE: gegevens",
    )
    _drop(env, "antwoord.eml", raw)
    [result] = _read(cfg, env)
    assert result.status == "done", result.outcome
    assert "ingenomen" in result.outcome and "2 bespreekpunt" in result.outcome
    with UnitOfWork() as uow:
        provider = uow.session.scalar(select(Provider).where(Provider.code == code))
        values = uow.session.scalars(select(KpiValue).where(KpiValue.provider_id == provider.id))
        assert {v.value for v in values} == {4}
        meeting_row = uow.session.scalar(select(Meeting).where(Meeting.provider_id == provider.id))
        assert meeting_row.data_received_on == MARCH_5
        receipt = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like(f"data:{code}:2027-Q1:%"))
        )
        assert receipt.to_addrs == [provider.contact_email] and receipt.reference
        points = uow.session.scalars(select(AgendaPoint).order_by(AgendaPoint.id)).all()
        assert [(p.text, p.status) for p in points] == [
            ("Wachttijden in Almere", "proposed"),
            ("Instroom vanuit het onderwijs", "proposed"),
        ]
        docs = uow.session.scalars(
            select(DossierDocument).where(DossierDocument.event_key.like("inbound:%"))
        ).all()
        event = uow.session.scalar(select(DossierEvent).where(DossierEvent.kind == "mail_received"))
    assert event.provider_id == provider.id and "gegevens" in event.summary
    kinds = sorted(d.content_type for d in docs)
    assert kinds[0] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    eml = next(d for d in docs if d.content_type == "message/rfc822")
    assert eml.content == raw and eml.filename.endswith(".eml")
    assert (_post(env) / "verwerkt" / "antwoord.eml").exists()
    assert not (_post(env) / "antwoord.eml").exists()
    # not on the final agenda until the support officer confirms them
    with UnitOfWork() as uow:
        m = uow.session.scalar(select(Meeting).where(Meeting.provider_id == provider.id))
        context = meeting_context(uow.session, cfg, m, provider, final=True)
    assert context["points"] == []
    [item] = _work("agenda_points")
    assert item.staff_key == meeting_row.support_officer
    decided = confirm_agenda_points(UnitOfWork(), item.id, item.staff_key, True, "", MARCH_5)
    assert decided.confirmed == ["Wachttijden in Almere", "Instroom vanuit het onderwijs"]
    with UnitOfWork() as uow:
        m = uow.session.scalar(select(Meeting).where(Meeting.provider_id == provider.id))
        context = meeting_context(uow.session, cfg, m, provider, final=True)
        assert uow.session.get(WorkItem, item.id).done_on == MARCH_5
    assert context["points"] == decided.confirmed


def _answered(cfg: RegionConfig, code: str, env: Path) -> bytes:
    """A reply with a sheet and a point, dropped and read; returns the message."""
    raw = reply_to(
        _request_key(code), "- Wachttijden", attachments=[("q1.xlsx", _sheet(cfg, code))]
    )
    _drop(env, "een.eml", raw)
    _read(cfg, env)
    return raw


def test_each_message_is_processed_once(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    raw = _answered(cfg, meeting[0], env)
    before = table_counts()
    # the same message again (a second worker, a copy left behind, the mailbox re-offers it)
    _drop(env, "nog-een-keer.eml", raw)
    [again] = _read(cfg, env)
    assert not again.fresh and again.status == "done"
    assert table_counts() == before
    assert (_post(env) / "verwerkt" / "nog-een-keer.eml").exists()


def test_a_run_that_died_midway_is_taken_over_without_doing_anything_twice(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    raw = _answered(cfg, meeting[0], env)
    # as if the run died after acting, before writing the outcome: the claim is left
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(InboundMail))
        row.status, row.outcome = "processing", ""
        row.claimed_at = utcnow() - timedelta(hours=1)
        uow.commit()
    before = table_counts()
    _drop(env, "een.eml", raw)
    [result] = _read(cfg, env)
    assert result.status == "done" and result.fresh
    assert table_counts() == before  # no second receipt, point, dossier copy or work item


def test_a_bad_sheet_is_refused_to_the_provider_with_row_and_column(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    _drop(
        env,
        "fout.eml",
        reply_to(
            _request_key(code), "Zie bijlage", attachments=[("q1.xlsx", _sheet(cfg, code, "veel"))]
        ),
    )
    [result] = _read(cfg, env)
    assert result.status == "done" and "afgekeurd" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(KpiValue.id)) is None
        refusal = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("inbound:%:refused"))
        )
    assert refusal.reference
    assert "- q1.xlsx, rij 6, kolom 'Waarde': 'veel' is geen getal" in refusal.body_text


def test_a_sheet_of_another_provider_is_refused(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    with UnitOfWork() as uow:
        other = uow.session.scalar(select(Provider.code).where(Provider.code != code))
    _drop(
        env,
        "ander.eml",
        reply_to(_request_key(code), "", attachments=[("q1.xlsx", _sheet(cfg, other))]),
    )
    [result] = _read(cfg, env)
    assert "afgekeurd" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(KpiValue.id)) is None
        refusal = uow.session.scalar(
            select(OutboxMessage.body_text).where(OutboxMessage.key.like("inbound:%:refused"))
        )
    assert f"van aanbieder {other}" in refusal


@pytest.mark.parametrize(
    ("why", "change"),
    [
        ("niet geregistreerd", {"sender": "iemand@elders.example.com"}),
        ("geen kenmerk", {"subject": "Vraag", "threaded": False}),
        ("onbekend kenmerk", {"subject": "Re: [CLM-ABCDEFGH]", "threaded": False}),
    ],
)
def test_post_that_cannot_be_matched_is_not_acted_on(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path, why: str, change: dict
) -> None:
    code, _ = meeting
    before = table_counts()
    raw = reply_to(
        _request_key(code), "- punt", attachments=[("q1.xlsx", _sheet(cfg, code))], **change
    )
    _drop(env, "vreemd.eml", raw)
    [result] = _read(cfg, env)
    assert result.status == "unmatched" and why in result.outcome
    after = table_counts()
    # only the mail's own row and the support officer's work item: no figures, no points,
    # no dossier entry, nothing sent back
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {
        "inbound_mails": 1,
        "work_items": len(cfg.post_handlers),
    }
    [item] = _work("unmatched_post")
    assert why in item.title
    assert (_post(env) / "niet-gekoppeld" / "vreemd.eml").exists()
    assert _inbound()[0].raw == raw


def test_an_out_of_office_answer_is_kept_and_nothing_done(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    raw = reply_to(
        _request_key(code),
        "Ik ben afwezig tot 15 maart.",
        headers={"Auto-Submitted": "auto-replied"},
        subject="Automatisch antwoord: afwezig",
    )
    _drop(env, "afwezig.eml", raw)
    [result] = _read(cfg, env)
    assert result.status == "ignored"
    assert not _work("agenda_points") and not _work("unmatched_post")


def test_an_oversized_message_is_not_read(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    big = b"x" * (cfg.mailbox.max_message_mb * 1024**2 + 10)
    _drop(
        env,
        "groot.eml",
        reply_to(_request_key(code), "zie bijlage", attachments=[("groot.pdf", big)]),
    )
    [result] = _read(cfg, env)
    assert result.status == "unmatched" and "te groot" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(KpiValue.id)) is None
    assert len(_inbound()[0].raw) < 100_000  # its headers only


def test_hostile_text_and_names_are_kept_harmless(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    """A NUL in the text (PostgreSQL refuses it), a path in an attachment's name, a subject
    of a thousand characters, no Message-ID at all."""
    code, _ = meeting
    raw = reply_to(
        _request_key(code),
        "- Wacht\x00tijden\n- " + "lang " * 1000,
        attachments=[("../../etc/passwd.pdf", b"%PDF-1.4 nep"), ("q1.xlsx", _sheet(cfg, code))],
        subject="RE: " + "x" * 1000 + f" [CLM-{_reference_of(_request_key(code))}]",
    )
    raw = b"\n".join(line for line in raw.split(b"\n") if not line.startswith(b"Message-ID"))
    _drop(env, "vreemd.eml", raw)
    [result] = _read(cfg, env)
    assert result.status == "done", result.outcome
    with UnitOfWork() as uow:
        names = uow.session.scalars(select(DossierDocument.filename)).all()
        texts = uow.session.scalars(select(AgendaPoint.text)).all()
    assert not any("/" in n or ".." in n.replace("...", "") for n in names)
    assert texts[0] == "Wacht\ufffdtijden" and len(texts[1]) <= 2000
    _drop(env, "weer.eml", raw)
    assert not _read(cfg, env)[0].fresh  # known by the hash of its bytes


def _reference_of(key: str) -> str:
    with UnitOfWork() as uow:
        return uow.session.scalar(select(OutboxMessage.reference).where(OutboxMessage.key == key))


def test_akkoord_makes_the_minutes_final(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    _drop(env, "akkoord.eml", reply_to(key, "Akkoord.\n\nGroet, Eva"))
    [result] = _read(cfg, env, sent_on + timedelta(days=2))
    assert result.status == "done" and "definitief" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "final"


def test_anything_else_is_comments_with_the_original_attached(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    _drop(env, "maar.eml", reply_to(key, "Akkoord, maar bij 4b staat de verkeerde datum."))
    [result] = _read(cfg, env, sent_on + timedelta(days=2))
    assert "opmerkingen" in result.outcome.lower()
    with UnitOfWork() as uow:
        minutes = uow.session.scalar(select(Minutes))
        note = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("reaction:%:staff"))
        )
        attached = uow.session.scalars(
            select(OutboxAttachment.content_type).where(OutboxAttachment.message_id == note.id)
        ).all()
    assert minutes.status == "sent" and minutes.open_comments
    assert "verkeerde datum" in note.body_text and attached == ["message/rfc822"]


def test_a_reply_to_an_older_version_goes_to_the_support_officer(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    minutes_svc.register_reaction(
        UnitOfWork(), cfg, code, APRIL, False, {"4b": "datum"}, "os-mulder", sent_on
    )
    draft = MinutesDraft(
        ["Eva de Vries (aanbieder)"], [ItemDraft("4b", "Wachtlijst", "Anders")], []
    )
    minutes_svc.record_minutes(UnitOfWork(), cfg, code, APRIL, draft, "os-mulder", sent_on)
    minutes_svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", sent_on)
    _drop(env, "oud.eml", reply_to(key, "akkoord"))  # agrees to version 1
    [result] = _read(cfg, env, sent_on + timedelta(days=1))
    assert "versie 1" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "sent"
    assert _work("provider_post")


def test_kopie_sends_the_minutes(cfg: RegionConfig, meeting: tuple[str, date], env: Path) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    _drop(env, "akkoord.eml", reply_to(key, "akkoord"))
    _read(cfg, env, sent_on)
    with UnitOfWork() as uow:
        final_key = uow.session.scalar(
            select(OutboxMessage.key).where(OutboxMessage.key.like("minutes:%:final"))
        )
    _drop(env, "kopie.eml", reply_to(final_key, "Kopie graag, voor onze directeur."))
    [result] = _read(cfg, env, sent_on + timedelta(days=20))
    assert "definitieve versie verstuurd" in result.outcome
    with UnitOfWork() as uow:
        copy = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("minutes:%:copy:mail-%"))
        )
    assert copy is not None and copy.reference


def test_an_objection_by_mail_is_registered_with_its_received_date(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    request = escalation_svc.StepRequest(
        provider_code=code, step=3, reason="Wachttijden", requested_by="cm-jansen", **heard
    )
    step = escalation_svc.request_step(UnitOfWork(), cfg, request, date(2027, 4, 22))
    escalation_svc.decide_step(
        UnitOfWork(), cfg, step, True, "cm-bakker", "terecht", date(2027, 4, 22)
    )
    raw = reply_to(
        f"escalation-step:{step}:letter",
        "Geachte heer,\n\nWij maken bezwaar tegen deze maatregel: de cijfers zijn onjuist.",
        sent=datetime(2027, 4, 29, 16, 0, tzinfo=REGION_TZ),
    )
    _drop(env, "bezwaar.eml", raw)
    [result] = _read(cfg, env, date(2027, 5, 3))
    assert "Bezwaar tegen trede 3 geregistreerd, ontvangen 29-04-2027" in result.outcome
    with UnitOfWork() as uow:
        objection = uow.session.scalar(select(Objection))
    assert objection.received_on == date(2027, 4, 29) and objection.in_time
    assert "cijfers zijn onjuist" in objection.summary


def test_the_mail_is_in_the_dossier_export(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path, tmp_path: Path
) -> None:
    import zipfile

    from clm.services.dossier_export import export_dossier

    code, _ = meeting
    raw = reply_to(_request_key(code), "", attachments=[("q1.xlsx", _sheet(cfg, code))])
    _drop(env, "een.eml", raw)
    _read(cfg, env)
    result = export_dossier(UnitOfWork(), cfg, code, date(2026, 1, 1), MARCH_5, tmp_path)
    with zipfile.ZipFile(result.zip) as archive:
        names = archive.namelist()
        eml = next(n for n in names if n.startswith("documenten/mail-") and n.endswith(".eml"))
        parsed = email.message_from_bytes(archive.read(eml), policy=email.policy.default)
    assert parsed["Message-ID"] == email.message_from_bytes(raw)["Message-ID"]
    assert any(n.endswith("q1.xlsx") for n in names)


def test_a_message_that_fails_is_kept_retried_and_then_set_aside_once(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    token = _reference_of(_request_key(code))
    # what it points at is gone (a meeting removed by hand in the database): every attempt
    # fails the same way
    with UnitOfWork() as uow:
        ref = uow.session.scalar(select(MailReference).where(MailReference.token == token))
        ref.subject_id = 999_999
        uow.commit()
    _drop(env, "stuk.eml", reply_to(_request_key(code), "- punt"))
    for attempt in (1, 2):
        [result] = _read(cfg, env)
        assert result.status == "failed" and _inbound()[0].attempts == attempt
        assert (_post(env) / "stuk.eml").exists()  # left for the next run
        assert not _work("unmatched_post")
    [result] = _read(cfg, env)
    assert result.status == "failed" and (_post(env) / "fout" / "stuk.eml").exists()
    items = _work("unmatched_post")
    assert len(items) == len(cfg.post_handlers) and "3 pogingen" in items[0].title
    _drop(env, "stuk.eml", reply_to(_request_key(code), "- punt"))  # a new message: new id
    assert _read(cfg, env)[0].fresh
