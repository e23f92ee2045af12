"""The escalation ladder on a real database: steps, approval, letters, objections, terms."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.escalation import EvidenceItem, EvidenceKind
from clm.services import escalation as svc
from clm.services import escalation_terms as terms
from clm.services import objections
from clm.services.deadline_sweep import sweep_deadlines
from clm.services.deadlines import step_terms
from clm.services.views import work_list
from clm.storage.db import UnitOfWork, alembic_config, get_engine, migrate
from clm.storage.models import (
    Deadline,
    DossierDocument,
    EscalationStep,
    OutboxAttachment,
    OutboxMessage,
    Provider,
    Signal,
)
from tests.conftest import AS_OF, table_counts

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

REASON = "Wachttijden ruim boven de norm, twee kwartalen op rij"


@pytest.fixture
def code(demo_db: str) -> str:
    with UnitOfWork() as uow:
        return uow.session.scalars(select(Provider.code).order_by(Provider.code)).first()


def _request(code: str, step: int, **kw) -> svc.StepRequest:  # noqa: ANN003
    return svc.StepRequest(
        provider_code=code, step=step, reason=REASON, requested_by="cm-jansen", **kw
    )


def _terms(step_id: int) -> dict[str, str]:
    """The step's terms as the deadlines table holds them, by name, as ISO dates."""
    with UnitOfWork() as uow:
        return {k: v.isoformat() for k, v in step_terms(uow.session, step_id).items()}


def _step(step_id: int) -> EscalationStep:
    with UnitOfWork() as uow:
        return uow.session.get(EscalationStep, step_id)


def test_from_step_one_to_a_notice_of_default(cfg: RegionConfig, code: str) -> None:
    before = table_counts()
    with pytest.raises(InvalidInput, match="eerst wederhoor"):
        svc.request_step(UnitOfWork(), cfg, _request(code, 1), date(2026, 12, 22))
    assert table_counts() == before

    first = svc.request_step(
        UnitOfWork(),
        cfg,
        _request(
            code, 1, heard_on=date(2026, 12, 15), hearing_summary="Aanbieder erkent achterstand"
        ),
        date(2026, 12, 22),
    )
    step = _step(first)
    assert step.status == "active"
    assert _terms(step.id) == {"answer_due": "2027-01-18"}  # 15 working days over Christmas
    with UnitOfWork() as uow:
        letter = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key == f"escalation-step:{first}:letter")
        )
        assert letter.to_addrs[0].startswith("bestuur@")
        assert "maandag 18 januari 2027" in letter.body_html
        pdf = uow.session.scalar(
            select(OutboxAttachment.content).where(OutboxAttachment.message_id == letter.id)
        )
    assert pdf.startswith(b"%PDF")

    third = svc.request_step(UnitOfWork(), cfg, _request(code, 3), date(2027, 4, 22))
    assert _step(third).status == "awaiting_approval"
    with pytest.raises(InvalidInput, match="tweede persoon"):
        svc.decide_step(UnitOfWork(), cfg, third, True, "cm-jansen", "", date(2027, 4, 22))
    assert (
        svc.decide_step(UnitOfWork(), cfg, third, True, "cm-bakker", "terecht", date(2027, 4, 22))
        == "active"
    )
    assert (
        svc.decide_step(UnitOfWork(), cfg, third, True, "cm-bakker", "terecht", date(2027, 4, 22))
        == "active"
    )
    assert _step(first).status == "superseded"
    terms = _terms(third)
    assert terms == {"recovery_due": "2027-05-26", "objection_due": "2027-04-30"}
    with UnitOfWork() as uow:
        assert uow.session.scalar(
            select(DossierDocument.filename).where(
                DossierDocument.event_key == f"escalation-step:{third}:letter"
            )
        ).startswith("trede-3-")

    objection = objections.register_objection(
        UnitOfWork(),
        cfg,
        third,
        date(2027, 4, 29),
        "Oneens met inschaling",
        "cm-jansen",
        date(2027, 4, 29),
    )
    assert (objection.in_time, objection.suspends) == (True, True)
    assert _step(third).status == "suspended"
    with UnitOfWork() as uow:
        talk = uow.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.key == f"escalation-step:{third}:director-talk"
            )
        )
        # 10 working days after 29 April: past Liberation Day, Ascension and Whit Monday
        assert "uiterlijk 18-05-2027" in talk.subject
        assert [a.filename for a in talk.attachments] == ["directiegesprek.ics"]
    assert (
        objections.record_talk_outcome(
            UnitOfWork(),
            third,
            "Inschaling blijft staan na gesprek",
            True,
            "cm-bakker",
            date(2027, 5, 10),
            cfg,
        )
        == "active"
    )
    assert objections.record_registered_mail(
        UnitOfWork(), third, "3SABC1234567", "cb-smit", date(2027, 4, 23)
    )
    assert not objections.record_registered_mail(
        UnitOfWork(), third, "3SABC1234567", "cb-smit", date(2027, 4, 23)
    )
    assert _step(third).registered_mail == "3SABC1234567"


def test_rejection_and_evidence_and_fine(cfg: RegionConfig, code: str) -> None:
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    step = svc.request_step(UnitOfWork(), cfg, _request(code, 3, **heard), date(2027, 3, 2))
    assert (
        svc.decide_step(
            UnitOfWork(), cfg, step, False, "cm-bakker", "eerst trede 2", date(2027, 3, 3)
        )
        == "rejected"
    )
    before = table_counts()
    with pytest.raises(InvalidInput, match="vraagt vastgelegd bewijs"):
        svc.request_step(UnitOfWork(), cfg, _request(code, 5), date(2027, 3, 4))
    with pytest.raises(InvalidInput, match=r"ten hoogste € [\d.]+,\d\d"):
        svc.request_step(
            UnitOfWork(),
            cfg,
            _request(
                code,
                6,
                fine=Decimal("99999999"),
                evidence=(
                    EvidenceItem(EvidenceKind.FALSE_BILLING, "Controle 2027", "rapport-17.pdf"),
                ),
            ),
            date(2027, 3, 4),
        )
    assert table_counts() == before
    ok = svc.request_step(
        UnitOfWork(),
        cfg,
        _request(
            code,
            5,
            evidence=(EvidenceItem(EvidenceKind.UNSAFETY, "IGJ 2027-3", "igj.pdf"),),
            safety_or_fraud=True,
        ),
        date(2027, 3, 4),
    )
    assert _step(ok).status == "awaiting_approval"


def test_term_reminders_and_signals_once_with_catch_up(cfg: RegionConfig, code: str) -> None:
    step_id = svc.request_step(
        UnitOfWork(),
        cfg,
        _request(code, 2, heard_on=date(2027, 3, 1), hearing_summary="gesprek"),
        date(2027, 4, 22),
    )
    due = date.fromisoformat(_terms(step_id)["plan_due"])  # 26 May 2027
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, date(2027, 5, 3)) == (0, 0)
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, date(2027, 5, 21)) == (1, 0)
    before = table_counts()
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, date(2027, 5, 21)) == (0, 0)
    assert table_counts() == before
    # the sweep missed days: the signal comes once, the day it runs again
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, due + timedelta(days=6)) == (0, 1)
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, due + timedelta(days=7)) == (0, 0)
    with UnitOfWork() as uow:
        assert "verbeterplan" in uow.session.scalar(select(Signal.description))
    # the plan's review is the region's own term: a reminder to the contract manager, no signal
    review = date.fromisoformat(_terms(step_id)["review_due"])
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, review) == (1, 0)
    assert terms.sweep_escalation_terms(UnitOfWork(), cfg, review + timedelta(days=3)) == (0, 0)
    with UnitOfWork() as uow:
        to = uow.session.scalar(
            select(OutboxMessage.to_addrs).where(
                OutboxMessage.key == f"escalation-step:{step_id}:review_due:reminder"
            )
        )
    assert to[0].endswith("@regio.example.org")
    assert svc.close_escalation(
        UnitOfWork(), code, "Verbeterplan uitgevoerd", "cm-jansen", due + timedelta(days=30)
    )
    assert not svc.close_escalation(UnitOfWork(), code, "x", "cm-jansen", due)
    # the provider's next classification shows it
    from clm.services.classification import (
        ReferencePeriod,
        compute_classification,
        store_classification,
    )
    from clm.services.views import classification_table

    period = ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(UnitOfWork(), cfg, AS_OF.year + 1, period)
    store_classification(UnitOfWork(), cfg, AS_OF.year + 1, period, result, AS_OF)
    table = classification_table(UnitOfWork(), cfg, AS_OF.year + 1).set_index("code")
    assert table.loc[code, "escalation"].startswith("gesloten")
    assert "Verbeterplan uitgevoerd" in table.loc[code, "escalation"]


def test_step_one_raises_the_contact_frequency(cfg: RegionConfig, code: str) -> None:
    from clm.services.classification import (
        ReferencePeriod,
        compute_classification,
        store_classification,
    )
    from clm.storage.models import CategoryOverride, ClassificationRow

    year, period = AS_OF.year + 1, ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(UnitOfWork(), cfg, year, period)
    store_classification(UnitOfWork(), cfg, year, period, result, AS_OF)
    with UnitOfWork() as uow:
        low = uow.session.scalar(
            select(Provider.code)
            .join(ClassificationRow, ClassificationRow.provider_id == Provider.id)
            .where(ClassificationRow.category >= 3)
        )
    svc.request_step(
        UnitOfWork(),
        cfg,
        _request(low, 1, heard_on=date(2027, 1, 20), hearing_summary="gesprek"),
        date(2027, 2, 1),
    )
    with UnitOfWork() as uow:
        row = uow.session.scalar(
            select(ClassificationRow)
            .join(Provider)
            .where(Provider.code == low, ClassificationRow.year == year)
        )
        override = uow.session.scalar(
            select(CategoryOverride).where(CategoryOverride.provider_id == row.provider_id)
        )
    assert row.meeting_months == [4, 7, 10, 1] and row.category == 1
    assert "Trede 1" in override.reason
    # a recomputation keeps it, and writes nothing new
    before = table_counts()
    summary = store_classification(UnitOfWork(), cfg, year, period, result, date(2027, 2, 2))
    assert summary.changed == 0 and table_counts() == before


def test_the_fine_cap_sums_twelve_complete_months(db: str, cfg: RegionConfig, env: Path) -> None:
    """A request on 15 June 2026: declarations of June 2025 (50.000,00) and May 2026
    (100.000,00) count, May 2025 (1.000.000,00) and June 2026 (500.000,00) do not. Revenue
    150.000,00, so the cap is 7.500,00: 7.500,00 passes, 7.500,01 is refused naming the months."""
    from admin.demo import demo_providers, upsert_providers
    from clm.services.declarations import import_declarations
    from tests.helpers import write_csv

    provider = demo_providers(cfg)[0]
    upsert_providers(UnitOfWork(), [provider])
    rows = [
        [provider.code, "c1", "GM0034", "2025-05", "1000000,00", "AMB"],
        [provider.code, "c1", "GM0034", "2025-06", "50000,00", "AMB"],
        [provider.code, "c1", "GM0034", "2026-05", "100000,00", "AMB"],
        [provider.code, "c1", "GM0034", "2026-06", "500000,00", "AMB"],
    ]
    import_declarations(UnitOfWork(), cfg, write_csv(env / "d.csv", rows), AS_OF)
    request_day = date(2026, 6, 15)
    with UnitOfWork() as uow:
        provider_id = uow.session.scalar(select(Provider.id).where(Provider.code == provider.code))
        assert svc.regional_revenue(uow.session, provider_id, request_day) == Decimal("150000.00")
    evidence = (EvidenceItem(EvidenceKind.FORGERY, "Accountantsrapport", "ACC-2026-7"),)
    common = {"heard_on": date(2026, 6, 10), "hearing_summary": "Gesprek", "evidence": evidence}
    with pytest.raises(InvalidInput) as refused:
        svc.request_step(
            UnitOfWork(),
            cfg,
            _request(provider.code, 6, fine=Decimal("7500.01"), **common),
            request_day,
        )
    assert "ten hoogste € 7.500,00" in str(refused.value)
    assert "juni 2025 t/m mei 2026" in str(refused.value)
    assert svc.request_step(
        UnitOfWork(),
        cfg,
        _request(provider.code, 6, fine=Decimal("7500.00"), **common),
        request_day,
    )


def test_a_hearing_in_the_future_is_refused(cfg: RegionConfig, code: str) -> None:
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        svc.request_step(
            UnitOfWork(),
            cfg,
            _request(code, 1, heard_on=AS_OF + timedelta(days=1), hearing_summary="Gesprek"),
            AS_OF,
        )
    assert "ligt na de peildatum" in str(err.value) and "heard_on" in str(err.value)
    assert table_counts() == before


def test_the_same_request_with_another_fine_is_checked_again(cfg: RegionConfig, code: str) -> None:
    """The same step, reason and day with a different fine is not 'the same request': it is
    checked (here: a step already waits for approval) instead of returning the first."""
    evidence = (EvidenceItem(EvidenceKind.FORGERY, "Accountantsrapport", "ACC-2026-7"),)
    common = {"heard_on": AS_OF, "hearing_summary": "Gesprek", "evidence": evidence}
    first = svc.request_step(
        UnitOfWork(), cfg, _request(code, 6, fine=Decimal("10.00"), **common), AS_OF
    )
    assert (
        svc.request_step(
            UnitOfWork(), cfg, _request(code, 6, fine=Decimal("10.00"), **common), AS_OF
        )
        == first
    )
    with pytest.raises(InvalidInput) as err:
        svc.request_step(
            UnitOfWork(), cfg, _request(code, 6, fine=Decimal("99999999"), **common), AS_OF
        )
    assert "ten hoogste" in str(err.value)


def _letter_text(step_id: int) -> str:
    """The text of the step's letter (the PDF attached to its mail), one line."""
    import io

    from pypdf import PdfReader

    with UnitOfWork() as uow:
        pdf = uow.session.scalar(
            select(OutboxAttachment.content)
            .join(OutboxMessage, OutboxMessage.id == OutboxAttachment.message_id)
            .where(OutboxMessage.key == f"escalation-step:{step_id}:letter")
        )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_step_four_follows_a_notice_of_default_whose_term_has_passed(
    cfg: RegionConfig, code: str
) -> None:
    """Seed 004, step 4: "Indien herstel uitblijft na ingebrekestelling". A notice of default
    taken on Wednesday 10 March 2027 with a reasonable term of 10 working days (set for this
    case) runs to Wednesday 24 March; step 4 is refused before and on that day, allowed on
    the 25th, and its letter then says that recovery failed after the notice."""
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "Gesprek met het bestuur"}
    svc.request_step(UnitOfWork(), cfg, _request(code, 1, **heard), date(2027, 3, 2))
    before = table_counts()
    with pytest.raises(InvalidInput, match="geen ingebrekestelling"):
        svc.request_step(UnitOfWork(), cfg, _request(code, 4), date(2027, 3, 10))
    assert table_counts() == before

    notice = svc.request_step(
        UnitOfWork(), cfg, _request(code, 3, recovery_days=10), date(2027, 3, 10)
    )
    svc.decide_step(UnitOfWork(), cfg, notice, True, "cm-bakker", "", date(2027, 3, 10))
    assert _terms(notice)["recovery_due"] == "2027-03-24"
    with pytest.raises(InvalidInput, match="loopt nog tot en met 24-03-2027"):
        svc.request_step(UnitOfWork(), cfg, _request(code, 4), date(2027, 3, 24))
    suspension = svc.request_step(UnitOfWork(), cfg, _request(code, 4), date(2027, 3, 25))
    svc.decide_step(UnitOfWork(), cfg, suspension, True, "cm-bakker", "", date(2027, 3, 25))
    assert "Omdat herstel na de ingebrekestelling uitblijft" in _letter_text(suspension)


def test_step_four_without_a_notice_needs_a_reason_that_goes_in_the_letter(
    cfg: RegionConfig, code: str
) -> None:
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "Gesprek met het bestuur"}
    reason = "Acuut financieel risico: declaraties zonder geleverde zorg, onderzoek loopt"
    step = svc.request_step(
        UnitOfWork(), cfg, _request(code, 4, skip_reason=reason, **heard), date(2027, 3, 2)
    )
    svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "", date(2027, 3, 2))
    letter = _letter_text(step)
    assert reason in letter and "zonder de gebruikelijke ingebrekestelling" in letter
    assert "Omdat herstel na de ingebrekestelling uitblijft" not in letter
    assert _step(step).skip_reason == reason


def test_step_seven_is_one_of_two_measures_each_with_its_own_letter(
    cfg: RegionConfig, code: str
) -> None:
    """Seed 004, step 7: "verlengt de overeenkomst voor optiejaren niet of ontbindt per direct
    de overeenkomst ingeval van vastgestelde fraude of ernstige misstanden"."""
    from clm.rules.escalation import Termination

    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "Gesprek met het bestuur"}
    with pytest.raises(InvalidInput, match="kies bij trede 7 de maatregel"):
        svc.request_step(UnitOfWork(), cfg, _request(code, 7, **heard), date(2027, 3, 2))
    with pytest.raises(InvalidInput, match="vraagt vastgelegd bewijs"):
        svc.request_step(
            UnitOfWork(),
            cfg,
            _request(code, 7, termination=Termination.DISSOLUTION, **heard),
            date(2027, 3, 2),
        )
    # not renewing the option years needs no proof of fraud: it is the region's right
    step = svc.request_step(
        UnitOfWork(),
        cfg,
        _request(code, 7, termination=Termination.NO_RENEWAL, **heard),
        date(2027, 3, 2),
    )
    svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "", date(2027, 3, 2))
    letter = _letter_text(step)
    assert "Wij verlengen de overeenkomst niet voor de optiejaren" in letter
    assert "ontbinden" not in letter


def test_dissolution_with_evidence_says_so(cfg: RegionConfig, code: str) -> None:
    from clm.rules.escalation import Termination

    proof = (EvidenceItem(EvidenceKind.FALSE_BILLING, "Materiële controle", "MC-2027-3"),)
    step = svc.request_step(
        UnitOfWork(),
        cfg,
        _request(
            code,
            7,
            termination=Termination.DISSOLUTION,
            evidence=proof,
            heard_on=date(2027, 3, 1),
            hearing_summary="Gesprek",
        ),
        date(2027, 3, 2),
    )
    svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "", date(2027, 3, 2))
    letter = _letter_text(step)
    assert "Wij ontbinden de overeenkomst per direct" in letter and "MC-2027-3" in letter
    assert "verlengen" not in letter


def test_the_director_level_talk_is_a_term_the_manager_is_reminded_of(
    cfg: RegionConfig, code: str
) -> None:
    """The talk about an objection is the region's own term: a deadline row with the contract
    manager as owner, on the work list, a reminder before and one notice after, closed by
    the outcome."""
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    step = svc.request_step(UnitOfWork(), cfg, _request(code, 3, **heard), date(2027, 4, 22))
    svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "terecht", date(2027, 4, 22))
    objection = objections.register_objection(
        UnitOfWork(), cfg, step, date(2027, 4, 29), "Oneens", "cm-jansen", date(2027, 4, 29)
    )
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(Deadline).where(Deadline.kind == "director_talk"))
        manager = uow.session.scalar(select(Provider.contract_manager).where(Provider.code == code))
        assert (row.subject, row.subject_id, row.owner) == ("objection", objection.id, manager)
        assert row.due_on == date(2027, 5, 18)  # 10 working days, as the invitation says

    def listed(day: date) -> set[str]:
        table = work_list(UnitOfWork(), cfg, day)
        return set(table[table["staff_key"] == manager]["kind"])

    assert "directiegesprek" not in listed(date(2027, 5, 3))  # two weeks ahead at most
    assert "directiegesprek" in listed(date(2027, 5, 4))
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 14))["director_talk_reminders"] == 1
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 14))["director_talk_reminders"] == 0
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 19))["director_talks_overdue"] == 1
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 20))["director_talks_overdue"] == 0
    with UnitOfWork() as uow:
        mails = uow.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.key.like(f"escalation-step:{step}:director-talk:%")
            )
        ).all()
        email = cfg.staff_by_key[manager].email
        assert [(m.subject.split(" ")[0], m.to_addrs) for m in mails] == [
            ("Herinnering:", [email]),
            ("Termijn", [email]),
        ]
        assert "verstreken" in mails[1].subject and "uitkomst" in mails[1].body_text
    assert "directiegesprek" in listed(date(2027, 5, 20))  # until the outcome is recorded
    objections.record_talk_outcome(
        UnitOfWork(), step, "Maatregel blijft", True, "cm-bakker", date(2027, 5, 21), cfg
    )
    assert "directiegesprek" not in listed(date(2027, 5, 21))
    with UnitOfWork() as uow:
        assert uow.session.get(Deadline, row.id).closed_on == date(2027, 5, 21)


def test_migration_0010_carries_codes_and_the_talk_s_term_down_and_up(
    demo_db: str, cfg: RegionConfig, code: str
) -> None:
    """Down: the dossier's Dutch codes and the objection's column as before; up: English
    codes, the talk's term a deadline again, its state (closed or open) kept."""
    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    step = svc.request_step(UnitOfWork(), cfg, _request(code, 3, **heard), date(2027, 4, 22))
    svc.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "terecht", date(2027, 4, 22))
    objections.register_objection(
        UnitOfWork(), cfg, step, date(2027, 4, 29), "Oneens", "cm-jansen", date(2027, 4, 29)
    )

    def snapshot() -> tuple[list, list]:
        engine = get_engine(demo_db)
        engine.dispose()  # the schema changed under the pool's connections
        with engine.connect() as conn:
            kinds = conn.execute(text("SELECT kind FROM dossier_events ORDER BY id")).scalars()
            talks = conn.execute(
                text(
                    "SELECT subject_id, owner, due_on, first_due_on, remind_before, closed_on "
                    "FROM deadlines WHERE kind = 'director_talk'"
                )
            ).all()
            return list(kinds), [tuple(map(str, t)) for t in talks]

    before = snapshot()
    assert {"step_taken", "objection", "director_talk_planned"} <= set(before[0])
    assert len(before[1]) == 1
    command.downgrade(alembic_config(demo_db), "0009")
    kinds, talks = snapshot()
    assert {"trede-genomen", "bezwaar", "directiegesprek-gepland"} <= set(kinds)
    assert talks == []
    with get_engine(demo_db).connect() as conn:
        assert conn.execute(text("SELECT director_talk_due FROM objections")).scalar() in (
            date(2027, 5, 18),
            "2027-05-18",
        )
    migrate(demo_db)
    assert snapshot() == before


def test_one_time_codes_prove_who_approves(cfg: RegionConfig, code: str, env: Path) -> None:
    """Each approver but the requester gets their own code by mail; only a hash is stored and
    the sent mail loses the code; a code works once, for its step, until the window ends."""
    import email
    import email.policy

    from clm.rules.escalation import ONE_TIME_CODE
    from clm.services import approval_codes as codes
    from clm.storage.models import ApprovalCode
    from clm.storage.outbox import deliver_pending

    heard = {"heard_on": date(2027, 3, 1), "hearing_summary": "gesprek"}
    step = svc.request_step(UnitOfWork(), cfg, _request(code, 3, **heard), date(2027, 4, 22))
    assert codes.issue_codes(UnitOfWork(), cfg, step, date(2027, 4, 22)) == 2
    assert codes.issue_codes(UnitOfWork(), cfg, step, date(2027, 4, 22)) == 0  # once
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(ApprovalCode)).all()
        mails = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.key.like("%:approval-code:%"))
        ).all()
        sent = {m.to_addrs[0]: ONE_TIME_CODE.search(m.body_text)[0] for m in mails}
        assert all(m.provider_id is None for m in mails)  # never in a dossier
    assert {r.staff_key for r in rows} == {"cm-bakker", "cm-visser"}  # not the requester
    assert not any(c in r.code_hash for r in rows for c in sent.values())
    bakker = sent[cfg.staff_by_key["cm-bakker"].email]

    # a code of another step, a made-up one, a late one: refused with the reason
    assert codes.redeem_code(UnitOfWork(), step + 1000, bakker, date(2027, 4, 23))[1]
    assert "hoort niet" in codes.redeem_code(UnitOfWork(), step, "ABCD-EFGH", date(2027, 4, 23))[1]
    assert "verlopen" in codes.redeem_code(UnitOfWork(), step, bakker, date(2027, 5, 7))[1]
    # typed in lower case with a space: the owner's key, once
    typed = bakker.lower().replace("-", " ")
    assert codes.redeem_code(UnitOfWork(), step, typed, date(2027, 4, 23)) == ("cm-bakker", "")
    assert "al gebruikt" in codes.redeem_code(UnitOfWork(), step, bakker, date(2027, 4, 23))[1]

    # delivered: the recipient has the code, the stored copy no longer
    from clm.settings import get_settings
    from clm.storage.mail import FileTransport

    deliver_pending(UnitOfWork, FileTransport(get_settings().outbox_path), cfg.mail)
    with UnitOfWork() as uow:
        stored = uow.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.key.like("%:approval-code:%"))
        ).all()
    assert stored and not any(ONE_TIME_CODE.search(b) for b in stored)
    delivered = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in get_settings().outbox_path.glob("*.eml")
    ]
    assert any(
        bakker in m.get_body(preferencelist=("plain",)).get_content()
        for m in delivered
        if "Goedkeuring gevraagd" in m["Subject"]
    )
