"""The contract register (SQLite and PostgreSQL): the sheet checked whole and stored once,
option decisions as deadlines in the one sweep, the decision flow's letter, step 7 acting on
the register and a withdrawn step 7 undone."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.errors import InvalidInput
from clm.rules.commands import StepRequest
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.escalation import EvidenceItem, Termination
from clm.services import contracts, escalation, objections
from clm.services.deadline_sweep import sweep_deadlines
from clm.services.views import provider_table, work_list
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    Amendment,
    Contract,
    Deadline,
    DossierDocument,
    DossierEvent,
    OutboxMessage,
    Provider,
)
from tests.conftest import table_counts
from tests.helpers import write_csv, write_xlsx

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

HEADER = [
    "AGB-code",
    "Raamovereenkomst",
    "Perceel",
    "Ingangsdatum",
    "Einddatum",
    "Optiejaren",
    "Besluit uiterlijk",
]
DAY = date(2027, 1, 11)


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    providers = demo_providers(cfg, count=3)
    upsert_providers(UnitOfWork(), providers)
    return sorted(p.code for p in providers)


def _register(tmp: Path, rows: list[list[object]], name: str = "contracten.csv") -> Path:
    return write_csv(tmp / name, rows, header=HEADER)


def _import(cfg: RegionConfig, path: Path, as_of: date = DAY) -> contracts.ContractImport:
    return contracts.import_contracts(UnitOfWork(), cfg, path, "cb-smit", as_of)


def _contract(code: str, lot: str) -> Contract:
    with UnitOfWork() as uow:
        row = uow.session.scalar(
            select(Contract).join(Provider).where(Provider.code == code, Contract.lot == lot)
        )
        uow.session.expunge(row)
        return row


def _mails(**where: object) -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            uow.session.expunge(row)
    return [m for m in rows if all(v in getattr(m, k) for k, v in where.items())]


def test_the_register_is_stored_once_with_its_decision_dates(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    path = write_xlsx(
        tmp_path / "register.xlsx",
        [
            [codes[0], "RO-2025-01", "amb", date(2025, 1, 1), date(2027, 12, 31), 2, None],
            [codes[0], "RO-2025-01", "VBL", "01-01-2025", "31-12-2027", "1", "15-05-2027"],
            [codes[1], "RO-2025-01", "DYS", "2025-01-01", "2026-12-31", "0", ""],
        ],
        header=HEADER,
        sheet="Contracten",
    )
    with UnitOfWork() as uow:
        held = dict(uow.session.execute(select(Provider.code, Provider.care_types)).all())
    added = tuple(
        f"{code} {lot}"
        for code, lot in ((codes[0], "AMB"), (codes[0], "VBL"), (codes[1], "DYS"))
        if lot not in held[code]
    )
    assert _import(cfg, path) == contracts.ContractImport(3, 3, 0, added)
    before = table_counts()
    assert _import(cfg, path) == contracts.ContractImport(3, 0, 0, ())
    assert table_counts() == before  # the same sheet again writes nothing
    amb, vbl = _contract(codes[0], "AMB"), _contract(codes[0], "VBL")
    # without a date: six months (config) before the end; the register's own date is kept
    assert (amb.decide_by, vbl.decide_by) == (date(2027, 6, 30), date(2027, 5, 15))
    assert _contract(codes[1], "DYS").decide_by is None
    with UnitOfWork() as uow:
        terms = uow.session.execute(
            select(Deadline.subject_id, Deadline.due_on, Deadline.owner).where(
                Deadline.kind == DeadlineKind.OPTION_DECISION
            )
        ).all()
        events = uow.session.scalars(
            select(DossierEvent.summary).where(DossierEvent.kind == "contract_registered")
        ).all()
        provider = uow.session.scalar(select(Provider).where(Provider.code == codes[1]))
    assert {(t[0], t[1]) for t in terms} == {(amb.id, amb.decide_by), (vbl.id, vbl.decide_by)}
    assert len(events) == 3 and any("AMB t/m 31-12-2027, 2 optiejaren" in e for e in events)
    assert "DYS" in provider.care_types
    table = provider_table(UnitOfWork(), cfg).set_index("code")
    assert (
        "AMB t/m 31-12-2027, 2 optiejaren (besluit uiterlijk 30-06-2027)"
        in (table.loc[codes[0], "contracts"])
    )
    assert table.loc[codes[2], "contracts"] == "niet in het register"


def test_a_changed_row_moves_its_decision(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    row = [codes[0], "RO-2025-01", "AMB", "01-01-2025", "31-12-2027", "2", ""]
    _import(cfg, _register(tmp_path, [row]))
    row[4], row[6] = "31-03-2028", "01-10-2027"
    assert _import(cfg, _register(tmp_path, [row])).changed == 1
    with UnitOfWork() as uow:
        due = uow.session.scalar(
            select(Deadline.due_on).where(Deadline.kind == DeadlineKind.OPTION_DECISION)
        )
    assert due == date(2027, 10, 1)


@pytest.mark.parametrize(
    ("row", "place"),
    [
        (["1234567", "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""], "kolom 'AGB-code'"),
        (["99999999", "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""], "onbekende aanbieder"),
        (["{0}", "", "AMB", "01-01-2025", "31-12-2027", "2", ""], "raamovereenkomst ontbreekt"),
        (["{0}", "R" * 51, "AMB", "01-01-2025", "31-12-2027", "2", ""], "langer dan 50"),
        (["{0}", "RO", "XYZ", "01-01-2025", "31-12-2027", "2", ""], "onbekend perceel"),
        (["{0}", "RO", "AMB", "31-02-2025", "31-12-2027", "2", ""], "bestaat niet als datum"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-9999", "2", ""], "kolom 'Einddatum'"),
        (["{0}", "RO", "AMB", "", "31-12-2027", "2", ""], "datum ontbreekt"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2024", "2", ""], "vóór de ingangsdatum"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "-1", ""], "kolom 'Optiejaren'"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "2,5", ""], "geheel getal"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "11", ""], "0 tot en met 10"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "2", "01-01-2028"], "na het einde"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "0", "01-06-2027"], "laat de besluit"),
        (["{0}", "RO", "AMB", "01-01-2025", "31-12-2027", "2", "morgen"], "geen datum"),
        (["{0}", "RO", "AMB", "2025-01-01 10:00", "31-12-2027", "2", ""], "zonder tijd"),
        (["{0}", "RO\x00", "AMB", "01-01-2025", "31-12-2027", "2", ""], "stuurteken"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_stored(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], row: list[str], place: str
) -> None:
    good = [codes[1], "RO", "DAG", "01-01-2025", "31-12-2027", "1", ""]
    bad = [v.format(codes[0]) for v in row]
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        _import(cfg, _register(tmp_path, [good, bad]))
    text = str(err.value)
    assert "contracten.csv" in text and place in text, text
    assert "rij 3" in text or "rij 1" in text, text
    assert table_counts() == before


def test_duplicates_and_overlaps_are_refused(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    rows = [
        [codes[0], "RO-1", "AMB", "01-01-2025", "31-12-2027", "1", ""],
        [codes[0], "ro-1", "AMB", "01-01-2025", "31-12-2027", "1", ""],
        [codes[0], "RO-2", "AMB", "01-06-2027", "31-12-2029", "1", ""],
        [codes[0], "RO-3", "AMB", "01-01-2028", "31-12-2029", "0", ""],
    ]
    with pytest.raises(InvalidInput) as err:
        _import(cfg, _register(tmp_path, rows))
    text = str(err.value)
    assert "rij 3, kolom 'Perceel': dit perceel van deze aanbieder staat er meer dan eens" in text
    assert "rij 4, kolom 'Ingangsdatum': looptijd overlapt met regel 2" in text
    assert "rij 5, kolom 'Ingangsdatum': looptijd overlapt met regel 4" in text


def test_the_sweep_reminds_before_the_decision_and_reports_it_once_when_passed(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _import(
        cfg, _register(tmp_path, [[codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""]])
    )
    # 40 and 10 working days before 30-06-2027
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 4, 1))["option_reminders"] == 0
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 10))["option_reminders"] == 1
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 10))["option_reminders"] == 0
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 6, 20))["option_reminders"] == 1
    reminders = _mails(subject="Besluit optiejaar AMB")
    assert len(reminders) == 2 and "uiterlijk 30 juni 2027" in reminders[0].subject
    manager = cfg.staff_member(demo_manager(codes[0]))
    assert reminders[0].to_addrs == [manager.email]
    assert "besluit-optiejaar" in reminders[0].body_text
    listed = work_list(UnitOfWork(), cfg, date(2027, 6, 20))
    assert (listed["kind"] == "optiejaar").sum() == 1
    # a missed day is caught up: one notice, then nothing
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 7, 5))["options_overdue"] == 1
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 7, 6))["options_overdue"] == 0
    overdue = _mails(subject="Termijn verstreken: besluit optiejaar")
    assert len(overdue) == 1 and "loopt het contract af op 31 december 2027" in (
        overdue[0].body_text
    )


def demo_manager(code: str) -> str:
    with UnitOfWork() as uow:
        return uow.session.scalar(select(Provider.contract_manager).where(Provider.code == code))


def test_an_option_year_taken_moves_the_term_and_plans_the_next_decision(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _import(
        cfg, _register(tmp_path, [[codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""]])
    )
    decide = contracts.decide_option_year
    out = decide(UnitOfWork(), cfg, codes[0], "", True, "cm-jansen", "", date(2027, 5, 3))
    assert out.mailed and out.lines == ("AMB: optiejaar gelicht, looptijd nu t/m 31-12-2028",)
    before = table_counts()
    again = decide(UnitOfWork(), cfg, codes[0], "amb", True, "cm-jansen", "", date(2027, 5, 3))
    assert not again.mailed and table_counts() == before  # a rerun the same day
    amb = _contract(codes[0], "AMB")
    assert (amb.end_on, amb.option_years, amb.decide_by) == (
        date(2028, 12, 31),
        1,
        date(2028, 6, 30),
    )
    with UnitOfWork() as uow:
        due = uow.session.scalar(select(Deadline).where(Deadline.subject == Subject.CONTRACT))
        assert (due.due_on, due.closed_on, due.reminded) == (date(2028, 6, 30), None, [])
    letter = _mails(subject="Besluit over het optiejaar")
    assert len(letter) == 1 and "tot en met 31 december 2028" in letter[0].body_text
    assert "nog 1 optiejaar" in letter[0].body_text
    # the last option year: not taken; the contract ends with its term, no decision waits
    out = decide(
        UnitOfWork(),
        cfg,
        codes[0],
        "AMB",
        False,
        "cm-jansen",
        "Aanbod past niet meer",
        date(2028, 5, 1),
    )
    assert out.lines == ("AMB: optiejaar niet gelicht, het contract eindigt op 31-12-2028",)
    assert _contract(codes[0], "AMB").status == "not_renewed"
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Deadline.closed_on)) == date(2028, 5, 1)
    assert (
        "eindigt op 31 december 2028" in _mails(subject="Besluit over het optiejaar")[-1].body_text
    )
    with pytest.raises(InvalidInput, match="er wacht geen besluit over een optiejaar"):
        decide(UnitOfWork(), cfg, codes[0], "AMB", True, "cm-jansen", "", date(2028, 5, 2))
    with pytest.raises(InvalidInput, match="geen contract voor perceel DAG"):
        decide(UnitOfWork(), cfg, codes[0], "DAG", True, "cm-jansen", "", date(2028, 5, 2))


def _step7(cfg: RegionConfig, code: str, termination: Termination, **extra: object) -> int:
    request = StepRequest(
        provider_code=code,
        step=7,
        reason="Vastgestelde fraude met declaraties van niet geleverde zorg",
        requested_by="cm-jansen",
        heard_on=date(2027, 3, 1),
        hearing_summary="Aanbieder gehoord",
        evidence=(EvidenceItem("false_billing", "Toezichthouder", "rapport 2027-12"),),
        termination=termination,
        safety_or_fraud=False,
        **extra,
    )
    step = escalation.request_step(UnitOfWork(), cfg, request, date(2027, 3, 8))
    escalation.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "", date(2027, 3, 8))
    return step


@pytest.mark.parametrize("termination", list(Termination))
def test_step_7_acts_on_the_register_and_a_withdrawn_step_gives_it_back(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], termination: Termination
) -> None:
    _import(
        cfg,
        _register(
            tmp_path,
            [
                [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""],
                [codes[0], "RO", "DAG", "01-01-2025", "31-12-2027", "0", ""],
                [codes[0], "RO-OUD", "VBL", "01-01-2022", "31-12-2024", "0", ""],
            ],
        ),
    )
    dissolving = termination == Termination.DISSOLUTION
    extra = {"ends_on": date(2027, 4, 1)} if dissolving else {}
    step = _step7(cfg, codes[0], termination, **extra)
    amb, dag, vbl = (_contract(codes[0], lot) for lot in ("AMB", "DAG", "VBL"))
    if dissolving:
        assert (amb.status, amb.ended_on, dag.ended_on) == (
            "dissolved",
            date(2027, 4, 1),
            date(2027, 4, 1),
        )
    else:
        assert (amb.status, amb.end_on, dag.status) == (
            "not_renewed",
            date(2027, 12, 31),
            "not_renewed",
        )
    assert vbl.status == "active"  # a term that ended before is left alone
    with UnitOfWork() as uow:
        assert uow.session.scalar(
            select(Deadline.closed_on).where(Deadline.subject == Subject.CONTRACT)
        ) == date(2027, 3, 8)
    mail = _mails(subject="Beëindiging overeenkomst")[-1]
    with UnitOfWork() as uow:
        pdf = uow.session.scalar(
            select(DossierDocument.content).where(DossierDocument.filename.like("trede-7-%"))
        )
    letter = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    letter = " ".join(letter.split())
    if dissolving:
        assert "Perceel AMB (RO): ontbonden per 1 april 2027" in mail.body_text
        assert "ontbinden de overeenkomst per 1 april 2027" in letter, letter
    else:
        assert (
            "Perceel AMB (RO): eindigt op 31 december 2027, het optiejaar vanaf 1 januari 2028 "
            "wordt niet gelicht" in mail.body_text
        )
        assert "Perceel DAG (RO): eindigt op 31 december 2027\n" in mail.body_text
        assert "het optiejaar vanaf 1 januari 2028 wordt niet gelicht" in letter, letter
    assert "VBL" not in mail.body_text
    # an objection, a talk, and the measure withdrawn: the contracts run on
    objections.register_objection(
        UnitOfWork(),
        cfg,
        step,
        date(2027, 3, 10),
        "Wij betwisten de bevindingen",
        "cm-jansen",
        date(2027, 3, 10),
    )
    objections.record_talk_outcome(
        UnitOfWork(), step, "Maatregel ingetrokken", False, "cm-bakker", date(2027, 3, 20), cfg
    )
    amb = _contract(codes[0], "AMB")
    assert (amb.status, amb.ended_on, amb.end_reason) == ("active", None, "")
    with UnitOfWork() as uow:
        due = uow.session.scalar(select(Deadline).where(Deadline.subject == Subject.CONTRACT))
        assert (due.due_on, due.closed_on) == (date(2027, 6, 30), None)


def test_a_dissolution_date_is_only_for_dissolution_and_not_in_the_past(
    cfg: RegionConfig, codes: list[str]
) -> None:
    with pytest.raises(InvalidInput, match="alleen bij ontbinding"):
        _step7(cfg, codes[0], Termination.NO_RENEWAL, ends_on=date(2027, 4, 1))
    with pytest.raises(InvalidInput, match="met terugwerkende kracht"):
        _step7(cfg, codes[0], Termination.DISSOLUTION, ends_on=date(2027, 3, 1))


def test_the_outlook_lists_decisions_and_ends_in_the_next_two_quarters(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _import(
        cfg,
        _register(
            tmp_path,
            [
                [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""],  # decide 30-06
                [codes[0], "RO", "DAG", "01-01-2025", "30-09-2027", "0", ""],  # ends in Q3
                [codes[1], "RO", "AMB", "01-01-2025", "31-12-2028", "1", ""],  # decide 2028
                [codes[2], "RO", "GGZ", "01-01-2025", "31-03-2027", "1", "01-01-2027"],  # late
            ],
        ),
    )
    with UnitOfWork() as uow:
        frame = contracts.contract_outlook(uow.session, "2027-Q1", date(2027, 4, 10))
    assert frame[["code", "lot", "what", "on"]].values.tolist() == [
        [codes[2], "GGZ", "besluit optiejaar (te laat)", date(2027, 1, 1)],
        [codes[0], "AMB", "besluit optiejaar", date(2027, 6, 30)],
        [codes[0], "DAG", "eindigt (geen optiejaren meer)", date(2027, 9, 30)],
    ]


def test_the_demo_region_has_a_register_that_the_analysis_looks_ahead_over(
    env: Path, db: str, cfg: RegionConfig
) -> None:
    from admin.demo import load_demo
    from clm.services import analysis

    out = load_demo(UnitOfWork, cfg, date(2026, 11, 30), env / "intake", contracts=True)
    assert out["contracts"] > 40 and out["amendments"] == 2
    before = table_counts()
    again = load_demo(UnitOfWork, cfg, date(2026, 11, 30), env / "intake", contracts=True)
    assert (again["contracts"], again["amendments"]) == (0, 0) and table_counts() == before
    with UnitOfWork() as uow:
        decided = dict(uow.session.execute(select(Amendment.title, Amendment.status)).all())
    assert decided == {
        "Norm wachttijd naar 5 weken": "applied",
        "Meldplicht wachtlijst binnen vijf werkdagen": "deferred",
    }
    data = analysis.gather(UnitOfWork(), cfg, "2026-Q3", date(2026, 11, 30))
    assert set(data.contracts["what"]) == {
        "besluit optiejaar",
        "eindigt (geen optiejaren meer)",
    }
    assert set(data.contracts["on"]) == {date(2026, 12, 31), date(2027, 3, 31)}
    markdown = analysis.render_markdown(data, cfg)
    assert "## Contracten: besluiten en einddata tot en met 31 maart 2027" in markdown
    assert "| besluit optiejaar | 31 december 2026 |" in markdown


def test_a_lot_decided_today_is_not_moved_twice_and_the_others_still_are(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _import(
        cfg,
        _register(
            tmp_path,
            [
                [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""],
                [codes[0], "RO", "DAG", "01-01-2025", "31-12-2027", "2", ""],
            ],
        ),
    )
    day = date(2027, 5, 3)
    contracts.decide_option_year(UnitOfWork(), cfg, codes[0], "AMB", True, "cm-jansen", "", day)
    both = contracts.decide_option_year(UnitOfWork(), cfg, codes[0], "", True, "cm-jansen", "", day)
    assert both.lines == ("DAG: optiejaar gelicht, looptijd nu t/m 31-12-2028",)
    assert (
        _contract(codes[0], "AMB").end_on == _contract(codes[0], "DAG").end_on == date(2028, 12, 31)
    )


def test_an_older_sheet_read_again_does_not_undo_a_decision(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    rows = [
        [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""],
        [codes[1], "RO", "AMB", "01-01-2025", "31-12-2027", "2", ""],
    ]
    _import(cfg, _register(tmp_path, rows))
    day = date(2027, 5, 3)
    contracts.decide_option_year(UnitOfWork(), cfg, codes[0], "AMB", True, "cm-jansen", "", day)
    rows[1][4] = "31-03-2028"  # a real change of the other contract still goes in
    again = _import(cfg, _register(tmp_path, rows))
    assert (again.changed, len(again.kept)) == (1, 1)
    assert "t/m 31-12-2028, 1 optiejaar" in again.kept[0] and "regel 2" in again.kept[0]
    assert _contract(codes[0], "AMB").end_on == date(2028, 12, 31)
    assert _contract(codes[1], "AMB").end_on == date(2028, 3, 31)
