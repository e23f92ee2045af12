"""Every decision is checked against what holds on its date (SQLite and PostgreSQL): an
option year only while the term runs, a dissolution date within the term, an amendment's
date within the terms of the lots it changes, and no two contradicting decisions on one lot
on one day. What is refused is refused with the reason, and nothing is written or mailed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.errors import InvalidInput
from clm.rules.amendments import ChangeKind, Origin
from clm.rules.commands import AmendmentProposal, StepRequest
from clm.rules.config import RegionConfig
from clm.rules.escalation import EvidenceItem, Termination
from clm.services import amendments, contracts, escalation
from clm.storage.db import UnitOfWork
from clm.storage.models import AmendmentParty, Contract, OutboxMessage, Provider
from tests.conftest import table_counts
from tests.helpers import write_csv

HEADER = ["AGB-code", "Raamovereenkomst", "Perceel", "Ingangsdatum", "Einddatum", "Optiejaren"]


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    demo = demo_providers(cfg, count=3)
    upsert_providers(UnitOfWork(), [replace(p, care_types=("AMB", "DAG")) for p in demo])
    return sorted(p.code for p in demo)


def _register(cfg: RegionConfig, tmp: Path, rows: list[list[str]]) -> None:
    path = write_csv(tmp / "contracten.csv", rows, header=HEADER)
    contracts.import_contracts(UnitOfWork(), cfg, path, "cb-smit", date(2026, 6, 1))


def _letters() -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        return list(
            uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.subject.contains("optiejaar"))
            )
        )


def _decide(cfg: RegionConfig, code: str, extend: bool, day: date, lot: str = "AMB") -> object:
    return contracts.decide_option_year(UnitOfWork(), cfg, code, lot, extend, "cm-jansen", "", day)


@pytest.mark.parametrize("extend", [True, False])
@pytest.mark.parametrize("day", [date(2027, 1, 1), date(2027, 2, 15), date(2028, 6, 1)])
def test_an_option_year_of_a_term_that_ended_is_refused(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], extend: bool, day: date
) -> None:
    _register(cfg, tmp_path, [[codes[0], "RO", "AMB", "01-01-2024", "31-12-2026", "2"]])
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _decide(cfg, codes[0], extend, day)
    assert "eindigde op 31-12-2026" in str(refused.value)
    assert table_counts() == before and not _letters()
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Contract.end_on)) == date(2026, 12, 31)


def test_a_late_decision_while_the_term_still_runs_is_taken(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    # the decision date (30-06-2026) passed, but on its last day the term still runs
    _register(cfg, tmp_path, [[codes[0], "RO", "AMB", "01-01-2024", "31-12-2026", "2"]])
    out = _decide(cfg, codes[0], True, date(2026, 12, 31))
    assert out.lines == ("AMB: optiejaar gelicht, looptijd nu t/m 31-12-2027",)


@pytest.mark.parametrize("first", [True, False])
def test_a_contradicting_decision_on_the_same_day_is_refused(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], first: bool
) -> None:
    _register(cfg, tmp_path, [[codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "3"]])
    day = date(2027, 5, 3)
    _decide(cfg, codes[0], first, day)
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _decide(cfg, codes[0], not first, day)
    assert "vandaag al besloten" in str(refused.value)
    assert table_counts() == before and len(_letters()) == 1
    # the same decision again is a rerun; the next day the other way is a new decision
    _decide(cfg, codes[0], first, day)
    assert len(_letters()) == 1


def _step7(cfg: RegionConfig, code: str, ends_on: date) -> int:
    request = StepRequest(
        provider_code=code,
        step=7,
        reason="Vastgestelde fraude met declaraties van niet geleverde zorg",
        requested_by="cm-jansen",
        heard_on=date(2027, 3, 1),
        hearing_summary="Aanbieder gehoord",
        evidence=(EvidenceItem("false_billing", "Toezichthouder", "rapport 2027-12"),),
        termination=Termination.DISSOLUTION,
        safety_or_fraud=False,
        ends_on=ends_on,
    )
    step = escalation.request_step(UnitOfWork(), cfg, request, date(2027, 3, 8))
    escalation.decide_step(UnitOfWork(), cfg, step, True, "cm-bakker", "", date(2027, 3, 8))
    return step


def test_a_dissolution_after_every_term_is_refused(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _register(
        cfg,
        tmp_path,
        [
            [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "0"],
            [codes[0], "RO", "DAG", "01-01-2025", "30-06-2027", "0"],
        ],
    )
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _step7(cfg, codes[0], date(2028, 2, 1))
    assert "valt na het einde van elke looptijd (AMB t/m 31-12-2027" in str(refused.value)
    assert table_counts() == before


def test_a_lot_that_ends_before_the_dissolution_date_ends_with_its_term(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _register(
        cfg,
        tmp_path,
        [
            [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "0"],
            [codes[0], "RO", "DAG", "01-01-2025", "30-06-2027", "0"],
        ],
    )
    _step7(cfg, codes[0], date(2027, 9, 1))
    with UnitOfWork() as uow:
        rows = {c.lot: c for c in uow.session.scalars(select(Contract))}
    assert (rows["AMB"].status, rows["AMB"].ended_on) == ("dissolved", date(2027, 9, 1))
    assert (rows["DAG"].status, rows["DAG"].ended_on) == ("not_renewed", None)


def _proposal(**change: object) -> AmendmentProposal:
    values: dict[str, object] = {
        "title": "Nieuw tarief",
        "description": "Het uurtarief ambulant gaat omhoog.",
        "change_kind": ChangeKind.TARIFF,
        "target": "uurtarief",
        "new_value": "92,50",
        "lots": ("AMB",),
        "reason": "Indexering",
        "effective_on": date(2027, 7, 1),
        "proposed_by": "cm-jansen",
        "origin": Origin.STAFF,
    }
    return AmendmentProposal(**{**values, **change})  # type: ignore[arg-type]


def test_an_amendment_changes_running_contracts_only(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _register(
        cfg,
        tmp_path,
        [
            [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "0"],
            [codes[1], "RO", "AMB", "01-01-2025", "31-03-2027", "0"],  # ends before 1 July
        ],
    )
    day = date(2027, 3, 1)
    # named: the provider whose term ended is refused, with its term
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        amendments.propose_amendment(
            UnitOfWork(), cfg, _proposal(provider_codes=(codes[0], codes[1])), day
        )
    assert f"({codes[1]}) niet (AMB 01-01-2025 t/m 31-03-2027)" in str(refused.value)
    assert table_counts() == before
    # found by its lot: left out; codes[2] has no terms in the register and is consulted
    out = amendments.propose_amendment(UnitOfWork(), cfg, _proposal(), day)
    with UnitOfWork() as uow:
        consulted = set(
            uow.session.scalars(
                select(Provider.code)
                .join(AmendmentParty)
                .where(AmendmentParty.amendment_id == out.amendment_id)
            )
        )
    assert consulted == {codes[0], codes[2]}
    # after every term: refused
    with pytest.raises(InvalidInput, match="ingangsdatum 01-01-2028 loopt"):
        amendments.propose_amendment(
            UnitOfWork(), cfg,
            _proposal(title="Te laat", effective_on=date(2028, 1, 1), provider_codes=(codes[0],)),
            day,
        )  # fmt: skip
