"""The answer sent last stands (SQLite and PostgreSQL): a provider's answers are ordered by
when it sent them, never by the order their mails or files are read in, within one run of
the mailbox or across runs; the dossier keeps every answer and says which one stands. And
an answer that delivers nothing is not taken as delivered."""

from __future__ import annotations

import io
import itertools
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.clock import REGION_TZ
from clm.documents.datasheet import data_sheet_template
from clm.rules.amendments import ChangeKind, Origin
from clm.rules.calendar import add_working_days
from clm.rules.commands import AmendmentProposal
from clm.rules.config import RegionConfig
from clm.services import amendments as amendment_svc
from clm.services import escalation as escalation_svc
from clm.services.mailbox import process_source
from clm.services.meetings import meeting_context
from clm.services.objections import register_objection
from clm.storage.db import UnitOfWork
from clm.storage.mailbox import FolderSource
from clm.storage.models import (
    AgendaPoint,
    AmendmentParty,
    Deadline,
    DossierEvent,
    KpiValue,
    Meeting,
    Minutes,
    Objection,
    OutboxMessage,
    Provider,
)
from tests.mailreplies import released_minutes, reply_to

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

DAY = date(2027, 3, 1)  # the amendments' proposal day (reaction term to 22-03-2027)
MARCH_5 = date(2027, 3, 5)


def _at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=REGION_TZ)


def _drop(env: Path, name: str, raw: bytes) -> None:
    folder = env / "intake" / "post"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(raw)


def _read(cfg: RegionConfig, env: Path, as_of: date) -> list:
    return process_source(UnitOfWork, cfg, FolderSource(env / "intake" / "post"), as_of)


def _mails(fragment: str) -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.contains(fragment))
        ).all()
        for row in rows:
            uow.session.expunge(row)
    return rows


# --- amendments ---------------------------------------------------------------------------


@pytest.fixture
def amb_provider(db: str, cfg: RegionConfig) -> str:
    """One provider holding AMB: the code of the party consulted."""
    [demo] = demo_providers(cfg, count=1)
    upsert_providers(UnitOfWork(), [replace(demo, care_types=("AMB",))])
    with UnitOfWork() as uow:
        return uow.session.scalar(select(Provider.code))


def _propose(cfg: RegionConfig, title: str) -> int:
    proposal = AmendmentProposal(
        title=title,
        description="De norm voor de wachttijd gaat naar 5 weken.",
        change_kind=ChangeKind.NORM,
        target="wachttijd",
        new_value="5",
        reason="Afspraak uit het groepsoverleg",
        effective_on=date(2027, 5, 15),
        proposed_by="cm-jansen",
        origin=Origin.STAFF,
    )
    return amendment_svc.propose_amendment(UnitOfWork(), cfg, proposal, DAY).amendment_id


ANSWERS = {  # what a provider may send, and the response it stands for
    "akkoord": ("Akkoord.", "agrees"),
    "bezwaar": ("Bezwaar: de kortere wachttijd is een nadeel voor onze cliënten.", "objects"),
    "geen bezwaar": ("Geen bezwaar, prima zo.", "agrees"),
}


def _party(amendment_id: int, code: str) -> AmendmentParty:
    with UnitOfWork() as uow:
        party = uow.session.scalar(
            select(AmendmentParty)
            .join(Provider)
            .where(AmendmentParty.amendment_id == amendment_id, Provider.code == code)
        )
        uow.session.expunge(party)
    return party


def test_the_objection_sent_last_stands_though_its_file_is_read_first(
    cfg: RegionConfig, amb_provider: str, env: Path
) -> None:
    amendment = _propose(cfg, "Wachttijdnorm")
    key = f"amendment:{amendment}:proposal:{amb_provider}"
    # 'a-' sorts first: the later objection's file is met before the earlier agreement's
    _drop(env, "a-bezwaar.eml", reply_to(key, ANSWERS["bezwaar"][0], sent=_at(12)))
    _drop(env, "b-akkoord.eml", reply_to(key, ANSWERS["akkoord"][0], sent=_at(10)))
    results = _read(cfg, env, date(2027, 3, 15))
    assert len(results) == 2
    party = _party(amendment, amb_provider)
    assert party.response == "objects" and "nadeel" in party.reason
    # after the term the sweep defers it: a party said it is worse off
    from clm.services.deadline_sweep import sweep_deadlines

    sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 23))
    with UnitOfWork() as uow:
        from clm.storage.models import Amendment

        assert uow.session.get(Amendment, amendment).status == "deferred"
        events = uow.session.scalars(
            select(DossierEvent.summary).where(DossierEvent.kind == "amendment")
        ).all()
    answers = [e for e in events if e.startswith("Reactie op wijzigingsvoorstel")]
    assert len(answers) == 2  # every answer is in the dossier
    # read in the order sent: the objection's entry says it stands in place of the agreement
    [latest] = [e for e in answers if "verzonden 12-03-2027 09:00" in e]
    assert "Deze reactie staat (in de plaats van die van 10-03-2027 09:00)" in latest


@pytest.mark.parametrize("seed", [1, 2])
def test_any_reading_order_in_one_run_or_across_runs_leaves_the_last_sent_answer(
    cfg: RegionConfig, amb_provider: str, env: Path, seed: int
) -> None:
    """Three answers with random sending moments, read in every order, in one run or one
    by one over several runs: the answer sent last is the one that stands."""
    rng = random.Random(seed)
    kinds = rng.sample(list(ANSWERS), 3)
    moments = sorted(_at(2, 8) + timedelta(minutes=rng.randrange(20_000)) for _ in kinds)
    rng.shuffle(moments)
    last = kinds[moments.index(max(moments))]
    for n, order in enumerate(itertools.permutations(range(3))):
        amendment = _propose(cfg, f"Voorstel {seed}-{n}")
        key = f"amendment:{amendment}:proposal:{amb_provider}"
        mails = [reply_to(key, ANSWERS[kinds[i]][0], sent=moments[i]) for i in range(3)]
        split = n % 2 == 1  # every other order: one mail per run
        for position, i in enumerate(order):
            _drop(env, f"{position}-{n}.eml", mails[i])
            if split:
                _read(cfg, env, date(2027, 3, 20))
        _read(cfg, env, date(2027, 3, 20))
        party = _party(amendment, amb_provider)
        assert party.response == ANSWERS[last][1], (order, kinds, moments)


def test_a_sender_clock_ahead_of_arrival_does_not_make_an_answer_newer() -> None:
    from clm.storage.mailbox import sent_time

    arrived = _at(10, 9)
    assert sent_time("Fri, 12 Mar 2027 09:00:00 +0100", arrived) == arrived
    assert sent_time("Tue, 09 Mar 2027 09:00:00 +0100", arrived) == _at(9, 9)
    assert sent_time("geen datum", arrived) == arrived
    assert sent_time(None, arrived) == arrived


def test_a_form_answer_and_a_mail_compare_by_when_they_were_given(
    cfg: RegionConfig, amb_provider: str, env: Path
) -> None:
    amendment = _propose(cfg, "Formulier en mail")
    key = f"amendment:{amendment}:proposal:{amb_provider}"
    _drop(env, "bezwaar.eml", reply_to(key, ANSWERS["bezwaar"][0], sent=_at(12)))
    _read(cfg, env, date(2027, 3, 15))
    # staff register an agreement heard by phone on the 10th: older, it does not stand
    outcome = amendment_svc.register_reaction(
        UnitOfWork(), cfg, amendment, amb_provider, "agrees", [], "", date(2027, 3, 10),
        "cm-jansen", date(2027, 3, 15),
    )  # fmt: skip
    assert "blijft staan" in outcome
    assert _party(amendment, amb_provider).response == "objects"
    # and one heard on the 16th does
    amendment_svc.register_reaction(
        UnitOfWork(), cfg, amendment, amb_provider, "agrees", [], "", date(2027, 3, 16),
        "cm-jansen", date(2027, 3, 16),
    )  # fmt: skip
    assert _party(amendment, amb_provider).response == "agrees"


@pytest.mark.parametrize(
    "answer",
    [
        "Bezwaar.",
        "Wij maken bezwaar.",
        "Niet akkoord!",
        "Beste Marieke,\n\nBezwaar.\n\nGroet,\nJan",
    ],
)
def test_an_objection_without_grounds_is_asked_for_again(
    cfg: RegionConfig, amb_provider: str, env: Path, answer: str
) -> None:
    amendment = _propose(cfg, "Zonder gronden")
    key = f"amendment:{amendment}:proposal:{amb_provider}"
    _drop(env, "kaal.eml", reply_to(key, answer, sent=_at(12)))
    [result] = _read(cfg, env, date(2027, 3, 15))
    assert "niet geregistreerd" in result.outcome
    assert _party(amendment, amb_provider).response == "pending"
    [asked] = _mails("Niet geregistreerd: uw antwoord over het wijzigingsvoorstel")
    assert "niet welk nadeel" in asked.body_text and "22 maart 2027" in asked.body_text
    assert asked.reference  # it can be answered as a reply


# --- the meeting: data sheets, agenda points, minutes ---------------------------------------


@pytest.fixture
def meeting(april_db: tuple[str, date]) -> tuple[str, date]:
    return april_db


def _sheet(cfg: RegionConfig, code: str, value: object | None) -> bytes:
    book = load_workbook(io.BytesIO(data_sheet_template(code, "x", "2027-Q1", cfg.sheet_kpis)))
    if value is not None:
        for r, _ in enumerate(cfg.sheet_kpis, 6):
            book["Gegevens"].cell(r, 5, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _request_key(code: str) -> str:
    return f"meeting:2027-04:{code}:request"


def test_the_sheet_sent_last_stands_in_any_reading_order(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    key = _request_key(code)
    newer = reply_to(key, "", attachments=[("Gegevens-2027-Q1.xlsx", _sheet(cfg, code, 4))],
                     sent=_at(4, 16))  # fmt: skip
    older = reply_to(key, "", attachments=[("eerste.xlsx", _sheet(cfg, code, 7))], sent=_at(3))
    _drop(env, "a.eml", newer)
    _drop(env, "b.eml", older)
    results = _read(cfg, env, MARCH_5)
    assert [r.outcome for r in results][0].startswith("Gegevensblad eerste.xlsx ingenomen")
    assert "Gegevens-2027-Q1.xlsx ingenomen (2027-Q1)" in results[1].outcome  # case kept
    # the older sheet once more, in a later run: it changes nothing
    again = reply_to(key, "", attachments=[("eerste-bis.xlsx", _sheet(cfg, code, 6))],
                     sent=_at(3, 10))  # fmt: skip
    _drop(env, "c.eml", again)
    [late] = _read(cfg, env, MARCH_5)
    assert "eerder verzonden dan het ingenomen blad Gegevens-2027-Q1.xlsx" in late.outcome
    with UnitOfWork() as uow:
        values = set(uow.session.scalars(select(KpiValue.value)))
    assert values == {4}


def test_a_sheet_returned_empty_is_not_a_delivery(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    empty = [("Gegevens.xlsx", _sheet(cfg, code, None))]
    _drop(env, "leeg.eml", reply_to(_request_key(code), "Zie bijlage.", attachments=empty))
    [result] = _read(cfg, env, MARCH_5)
    assert "afgekeurd" in result.outcome and "ingenomen" not in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(KpiValue.id)) is None
        meeting_row = uow.session.scalar(
            select(Meeting).join(Provider).where(Provider.code == code)
        )
        assert meeting_row.data_received_on is None
        data = uow.session.scalar(
            select(Deadline).where(Deadline.kind == "data", Deadline.subject_id == meeting_row.id)
        )
        assert data.closed_on is None  # the reminders go on
    [refusal] = _mails("Niet ingenomen")
    assert "geen enkel cijfer ingevuld" in refusal.body_text
    # the sweep reminds the provider when the term passes, and the work list shows it
    from clm.services.deadline_sweep import sweep_deadlines
    from clm.services.views import work_list

    after = add_working_days(data.due_on, 1, cfg.calendar)
    sweep_deadlines(UnitOfWork(), cfg, after)
    listed = work_list(UnitOfWork(), cfg, after)
    assert listed["what"].str.contains("niet aangeleverd").any()


def test_several_bad_sheets_get_one_refusal_naming_each(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    sheets = [
        ("leeg.xlsx", _sheet(cfg, code, None)),
        ("fout.xlsx", _sheet(cfg, code, "veel")),
        ("kapot.xlsx", b"PK\x03\x04 geen werkboek"),
    ]
    _drop(env, "drie.eml", reply_to(_request_key(code), "", attachments=sheets))
    [result] = _read(cfg, env, MARCH_5)
    assert result.outcome.count("afgekeurd") == 3
    [refusal] = _mails("Niet ingenomen")
    assert "3 gegevensbladen" in refusal.subject
    for name, _ in sheets:
        assert name in refusal.body_text


def test_four_hostile_sheets_get_one_refusal_and_the_next_mail_is_read(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    from tests.hostile import HOSTILE

    code, _ = meeting
    valid = _sheet(cfg, code, 4)
    hostile = [(name, make(valid)) for name, make in sorted(HOSTILE.items())]
    key = _request_key(code)
    _drop(env, "a-vijandig.eml", reply_to(key, "", attachments=hostile, sent=_at(3)))
    _drop(env, "b-goed.eml", reply_to(key, "", attachments=[("goed.xlsx", valid)], sent=_at(4)))
    first, second = _read(cfg, env, MARCH_5)
    assert first.outcome.count("afgekeurd") == 4
    assert "goed.xlsx ingenomen (2027-Q1)" in second.outcome
    [refusal] = _mails("Niet ingenomen")
    assert "4 gegevensbladen" in refusal.subject
    for name, _ in hostile:
        assert name in refusal.body_text
    assert "Bestand te groot" in refusal.body_text


def test_agenda_points_stand_in_the_order_they_were_sent(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    key = _request_key(code)
    # the later mail reaches the mailbox first (the earlier one was held up on its way)
    _drop(env, "a.eml", reply_to(key, "- Tweede punt", sent=_at(4)))
    _read(cfg, env, MARCH_5)
    _drop(env, "b.eml", reply_to(key, "- Eerste punt", sent=_at(2)))
    _read(cfg, env, MARCH_5)
    from clm.services.meeting_changes import confirm_agenda_points
    from clm.storage.models import WorkItem

    with UnitOfWork() as uow:
        items = uow.session.scalars(
            select(WorkItem.id).where(WorkItem.kind == "agenda_points").order_by(WorkItem.id)
        ).all()
    for item in items:
        confirm_agenda_points(UnitOfWork(), item, "os-mulder", True, "", MARCH_5)
    with UnitOfWork() as uow:
        texts = uow.session.scalars(select(AgendaPoint.text).order_by(AgendaPoint.id)).all()
        meeting_row = uow.session.scalar(
            select(Meeting).join(Provider).where(Provider.code == code)
        )
        provider = uow.session.get(Provider, meeting_row.provider_id)
        context = meeting_context(uow.session, cfg, meeting_row, provider, True)
    assert texts == ["Tweede punt", "Eerste punt"]  # read in the order they came …
    assert context["points"] == ["Eerste punt", "Tweede punt"]  # … shown as sent


@pytest.mark.parametrize("reversed_files", [False, True])
def test_comments_then_a_later_agreement_make_the_minutes_final(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path, reversed_files: bool
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    first, second = ("b", "a") if reversed_files else ("a", "b")
    comment = reply_to(key, "Bij punt 4b: het plan komt in juni.", sent=_at(sent_on.day, 9, 4))
    agree = reply_to(key, "Akkoord.", sent=_at(sent_on.day, 15, 4))
    _drop(env, f"{first}.eml", comment)
    _drop(env, f"{second}.eml", agree)
    _read(cfg, env, sent_on + timedelta(days=1))
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "final"


def test_an_earlier_agreement_read_after_comments_does_not_make_them_final(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    _drop(env, "opmerking.eml", reply_to(key, "Punt 4b klopt niet.", sent=_at(sent_on.day, 15, 4)))
    _read(cfg, env, sent_on + timedelta(days=1))
    _drop(env, "akkoord.eml", reply_to(key, "Akkoord.", sent=_at(sent_on.day, 9, 4)))
    [result] = _read(cfg, env, sent_on + timedelta(days=1))
    assert "eerder verzonden" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "sent"
        summaries = uow.session.scalars(
            select(DossierEvent.summary).where(DossierEvent.kind == "minutes_reaction")
        ).all()
    assert any("blijft staan" in s for s in summaries)


def test_an_empty_reply_to_the_minutes_is_no_reaction(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    logo = [("image001.png", b"\x89PNG\r\n\x1a\n")]
    _drop(env, "leeg.eml", reply_to(key, "", attachments=logo))
    [result] = _read(cfg, env, sent_on + timedelta(days=1))
    assert "niet geregistreerd" in result.outcome
    with UnitOfWork() as uow:
        minutes = uow.session.scalar(select(Minutes))
        assert (minutes.status, minutes.open_comments) == ("sent", False)
    [asked] = _mails("Niet geregistreerd: uw antwoord over het verslag")
    assert "akkoord" in asked.body_text and asked.reference


# --- objections ---------------------------------------------------------------------------


def test_the_objection_received_first_decides_the_term_in_any_order(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    code, _ = meeting
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    request = escalation_svc.StepRequest(
        provider_code=code, step=3, reason="Wachttijden", requested_by="cm-jansen", **heard
    )
    step = escalation_svc.request_step(UnitOfWork(), cfg, request, date(2027, 4, 22))
    escalation_svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "ok", date(2027, 4, 22))
    # the late one (after the 5 working days) is registered first, the timely one after it
    late = register_objection(UnitOfWork(), cfg, step, date(2027, 5, 10), "Te laat bezwaar",
                              "cm-jansen", date(2027, 5, 10))  # fmt: skip
    assert not late.in_time
    register_objection(UnitOfWork(), cfg, step, date(2027, 4, 26), "De cijfers zijn onjuist",
                       "cm-jansen", date(2027, 5, 10))  # fmt: skip
    with UnitOfWork() as uow:
        objection = uow.session.scalar(select(Objection))
    assert objection.received_on == date(2027, 4, 26) and objection.in_time
    assert "De cijfers zijn onjuist" in objection.summary and "Te laat bezwaar" in objection.summary


def test_an_objection_to_a_step_without_grounds_is_asked_for_again(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path
) -> None:
    code, _ = meeting
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    request = escalation_svc.StepRequest(
        provider_code=code, step=3, reason="Wachttijden", requested_by="cm-jansen", **heard
    )
    step = escalation_svc.request_step(UnitOfWork(), cfg, request, date(2027, 4, 22))
    escalation_svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "ok", date(2027, 4, 22))
    raw = reply_to(f"escalation-step:{step}:letter", "Wij maken bezwaar.",
                   sent=_at(26, 10, 4))  # fmt: skip
    _drop(env, "bezwaar.eml", raw)
    [result] = _read(cfg, env, date(2027, 4, 27))
    assert "niet geregistreerd" in result.outcome
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Objection.id)) is None
    [asked] = _mails("Niet geregistreerd: uw antwoord over trede 3")
    # five working days from the step (Thursday 22 April; King's Day, 27 April, is no working day)
    assert "niet waarom" in asked.body_text and "30 april 2027" in asked.body_text


def test_the_mailbox_hands_over_its_messages_in_the_order_they_were_sent(imap_server) -> None:  # noqa: ANN001
    """Over real IMAP: read in sending order (Date), a Date later than the server's arrival
    moment (INTERNALDATE) bounded by it; a message without a Date at its arrival."""
    from email.message import EmailMessage

    from clm.storage.mailbox import ImapSource

    def message(subject: str, sent: str | None) -> bytes:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@b.example", "c@d.example", subject
        if sent:
            msg["Date"] = sent
        msg.set_content("x")
        return msg.as_bytes()

    # delivered in this order, each arriving now (this dovecot keeps no APPEND date);
    # 'vooruit' claims a day after its arrival
    imap_server.deliver(message("derde", "Thu, 12 Nov 2026 09:00:00 +0100"))
    imap_server.deliver(message("vooruit", "Sat, 20 Mar 2027 09:00:00 +0100"))
    imap_server.deliver(message("eerste", "Tue, 10 Nov 2026 09:00:00 +0100"))
    imap_server.deliver(message("zonder datum", None))
    source = ImapSource(
        imap_server.host, imap_server.port, imap_server.user, imap_server.password, "none"
    )
    try:
        read = list(source.messages(10 * 1024**2))
    finally:
        source.close()
    subjects = [f.raw.split(b"Subject: ")[1].split(b"\n")[0].strip().decode() for f in read]
    assert subjects == ["eerste", "derde", "vooruit", "zonder datum"]
    arrived = read[2].received_at
    assert arrived is not None and arrived < datetime(2027, 1, 1, tzinfo=REGION_TZ)
    assert read[2].sent_at == arrived and read[3].sent_at == read[3].received_at
    assert read[0].sent_at == datetime(2026, 11, 10, 9, 0, tzinfo=REGION_TZ)
    assert all(f.complete for f in read)


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Auto-Submitted": "auto-replied"}, None),  # an out-of-office answer
        ({}, "iemand@elders.example.com"),  # not the provider's registered address
    ],
)
def test_an_empty_answer_that_is_automatic_or_not_the_provider_s_is_never_answered(
    cfg: RegionConfig, meeting: tuple[str, date], env: Path, headers: dict, sender: str | None
) -> None:
    code, day = meeting
    sent_on, key = released_minutes(cfg, code, day)
    _drop(env, "auto.eml", reply_to(key, "", headers=headers, sender=sender))
    [result] = _read(cfg, env, sent_on + timedelta(days=1))
    assert result.status in ("ignored", "unmatched")
    assert not _mails("Niet geregistreerd")  # no mail loop, nothing to a stranger
