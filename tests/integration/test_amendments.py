"""Amendments during the term (SQLite and PostgreSQL): proposed and checked, the providers
concerned consulted by mail, answers by form and by reply mail, the decision at the end of
the term (applied or deferred), withdrawal, and an amended norm counting from its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.clock import REGION_TZ
from clm.errors import InvalidInput
from clm.rules.amendments import ChangeKind, Disadvantaged, Origin, PartyResponse
from clm.rules.commands import AmendmentProposal
from clm.rules.config import RegionConfig
from clm.services import amendments as svc
from clm.services.deadline_sweep import sweep_deadlines
from clm.services.kpi_signals import raise_kpi_signals
from clm.services.mailbox import process_source
from clm.storage.db import UnitOfWork
from clm.storage.mailbox import FolderSource
from clm.storage.models import (
    Amendment,
    AmendmentParty,
    ContractTerm,
    DossierEvent,
    OutboxMessage,
    Provider,
    Signal,
)
from tests.conftest import table_counts
from tests.mailreplies import reply_to

DAY = date(2027, 3, 1)  # a Monday; 15 working days later: 22-03-2027


@pytest.fixture
def providers(db: str, cfg: RegionConfig) -> list[Provider]:
    """Four providers: two hold AMB, one DAG only, one AMB and DAG."""
    demo = demo_providers(cfg, count=4)
    lots = [("AMB",), ("AMB",), ("DAG",), ("AMB", "DAG")]
    demo = [replace(p, care_types=lot) for p, lot in zip(demo, lots, strict=True)]
    upsert_providers(UnitOfWork(), demo)
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(Provider).order_by(Provider.id)).all()
        for row in rows:
            uow.session.expunge(row)
    return rows


def _proposal(**change: object) -> AmendmentProposal:
    values: dict[str, object] = {
        "title": "Wachttijdnorm aangescherpt",
        "description": "De norm voor de gemiddelde wachttijd tot start zorg gaat naar 5 weken.",
        "change_kind": ChangeKind.NORM,
        "target": "wachttijd",
        "new_value": "5",
        "reason": "Afspraak uit het groepsoverleg van februari",
        "effective_on": date(2027, 5, 15),
        "proposed_by": "cm-jansen",
        "origin": Origin.GROUP_MEETING,
        "origin_ref": "groepsoverleg 9 februari 2027",
    }
    return AmendmentProposal(**{**values, **change})  # type: ignore[arg-type]


def _mails(fragment: str) -> list[OutboxMessage]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.contains(fragment))
        ).all()
        for row in rows:
            uow.session.expunge(row)
    return rows


def test_a_proposal_consults_the_providers_concerned_once(
    cfg: RegionConfig, providers: list[Provider]
) -> None:
    amb = _proposal(change_kind=ChangeKind.TEXT, target="artikel 5.2", new_value="", lots=("AMB",))
    out = svc.propose_amendment(UnitOfWork(), cfg, amb, DAY)
    assert (out.providers, out.reaction_due, out.new) == (3, date(2027, 3, 22), True)
    before = table_counts()
    again = svc.propose_amendment(UnitOfWork(), cfg, amb, DAY)
    assert (again.amendment_id, again.new) == (out.amendment_id, False)
    assert table_counts() == before
    mails = _mails("Voorstel tot wijziging")
    assert sorted(m.to_addrs[0] for m in mails) == sorted(
        p.contact_email for p in providers if "AMB" in p.care_types
    )
    text = mails[0].body_text
    assert "Nieuwe waarde: artikel 5.2" in text
    assert "Reageren uiterlijk: maandag 22 maart 2027" in text
    assert "Zonder reactie vóór de genoemde datum" in text and "CLM-" in mails[0].subject
    assert "groepsoverleg (groepsoverleg 9 februari 2027)" in text
    with UnitOfWork() as uow:
        events = uow.session.scalars(
            select(DossierEvent.summary).where(DossierEvent.kind == "amendment")
        ).all()
    assert len(events) == 3 and "reageren uiterlijk 22-03-2027" in events[0]


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"target": "wachtrij"}, "target", "onbekende indicator 'wachtrij'"),
        ({"new_value": "vijf"}, "new_value", "geen getal"),
        ({"target": "uitval", "new_value": "120"}, "new_value", "buiten 0 tot en met 100"),
        ({"new_value": "1e9"}, "new_value", "geen getal"),
        ({"lots": ("AMB",)}, "lots", "geldt voor alle percelen"),
        ({"effective_on": date(2027, 3, 22)}, "effective_on", "niet na het einde"),
        ({"change_kind": ChangeKind.TARIFF, "target": "", "new_value": ""}, "new_value", "tarief"),
        ({"change_kind": ChangeKind.TEXT, "lots": ("XYZ",)}, "lots", "onbekend perceel XYZ"),
        (
            {"change_kind": ChangeKind.TEXT, "provider_codes": ("99999999",)},
            "provider_codes",
            "geen actieve aanbieder",
        ),  # fmt: skip
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field(
    cfg: RegionConfig,
    providers: list[Provider],
    change: dict[str, object],
    column: str,
    fragment: str,
) -> None:
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        svc.propose_amendment(UnitOfWork(), cfg, _proposal(**change), DAY)
    assert any(p.column == column and fragment in p.message for p in err.value.problems), (
        err.value.problems
    )
    assert table_counts() == before


def test_a_provider_outside_the_lot_cannot_be_named(
    cfg: RegionConfig, providers: list[Provider]
) -> None:
    dag_only = providers[2].code
    proposal = _proposal(change_kind=ChangeKind.TEXT, lots=("AMB",), provider_codes=(dag_only,))
    with pytest.raises(InvalidInput, match="heeft geen contract voor perceel AMB"):
        svc.propose_amendment(UnitOfWork(), cfg, proposal, DAY)


def _react(cfg: RegionConfig, amendment_id: int, code: str, objects: bool, **extra: object) -> str:
    values = {
        "disadvantaged": [Disadvantaged.CLIENTS] if objects else [],
        "reason": "Langere reistijd voor jongeren" if objects else "",
        "received_on": date(2027, 3, 10),
    }
    values.update(extra)
    return svc.register_reaction(
        UnitOfWork(),
        cfg,
        amendment_id,
        code,
        PartyResponse.OBJECTS if objects else PartyResponse.AGREES,
        values["disadvantaged"],  # type: ignore[arg-type]
        values["reason"],  # type: ignore[arg-type]
        values["received_on"],  # type: ignore[arg-type]
        "cb-smit",
        date(2027, 3, 10),
    )


def test_no_objection_applies_it_on_its_date_and_the_norm_counts_from_then(
    cfg: RegionConfig, providers: list[Provider]
) -> None:
    out = svc.propose_amendment(UnitOfWork(), cfg, _proposal(), DAY)
    assert out.providers == 4
    assert _react(cfg, out.amendment_id, providers[0].code, False).startswith("Reactie geregistr")
    assert _react(cfg, out.amendment_id, providers[0].code, False).startswith("Reactie was al")
    # the term runs until 22-03: nothing decided yet
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 22))["amendments_decided"] == 0
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 25))["amendments_decided"] == 1
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 26))["amendments_decided"] == 0
    with UnitOfWork() as uow:
        amendment = uow.session.get(Amendment, out.amendment_id)
        term = uow.session.scalar(select(ContractTerm))
        assert (amendment.status, amendment.decided_on) == ("applied", date(2027, 3, 25))
        assert (term.change_kind, term.target, term.value, term.version) == (
            "norm",
            "wachttijd",
            "5",
            1,
        )
        kpi = next(k for k in svc.terms_in_force(uow.session, cfg).kpis if k.code == "wachttijd")
    # 15-05 lies in the second quarter: the new norm counts from the third
    assert (kpi.norm_for("2027-Q2"), kpi.norm_for("2027-Q3"), kpi.norm_for("2026-Q4")) == (
        6,
        5,
        6,
    )
    decided = _mails("Wijziging van de overeenkomst doorgevoerd")
    assert len(decided) == 4 and "gaat in op 15 mei 2027" in decided[0].body_text
    assert "Nieuwe waarde: Gemiddelde wachttijd tot start zorg: 5 weken" in decided[0].body_text
    staff = _mails("Wijzigingsvoorstel doorgevoerd")
    assert len(staff) == 1 and "1 van de 4 geraadpleegde aanbieders reageerde." in (
        staff[0].body_text
    )
    # the signals use the amended norm: 5,5 weeks misses 5 in Q3, not 6 in Q2
    with UnitOfWork() as uow:
        provider = uow.session.get(Provider, providers[0].id)
        for quarter in ("2027-Q2", "2027-Q3"):
            raise_kpi_signals(
                uow.session, cfg, provider, quarter, {"wachttijd": Decimal("5.5")},
                date(2027, 10, 5), "test",
            )  # fmt: skip
        uow.commit()
        found = uow.session.scalars(select(Signal.description)).all()
    assert found == [
        "Resultaatverplichting niet gehaald: Gemiddelde wachttijd tot start zorg 2027-Q3 5,5 "
        "tegen een norm van 5,0 (weken)"
    ], found


def test_an_objection_defers_it_to_the_next_procurement_moment(
    cfg: RegionConfig, providers: list[Provider]
) -> None:
    cfg = cfg.model_copy(
        update={
            "contracts": cfg.contracts.model_copy(update={"next_procurement_on": date(2028, 1, 1)})
        }
    )
    out = svc.propose_amendment(UnitOfWork(), cfg, _proposal(), DAY)
    _react(cfg, out.amendment_id, providers[1].code, False)
    _react(cfg, out.amendment_id, providers[1].code, True)  # a later answer replaces it
    with pytest.raises(InvalidInput, match="geef de reden"):
        _react(cfg, out.amendment_id, providers[2].code, True, reason=" ")
    with pytest.raises(InvalidInput, match="na het einde van de reactietermijn"):
        _react(cfg, out.amendment_id, providers[2].code, True, received_on=date(2027, 3, 23))
    sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 23))
    with UnitOfWork() as uow:
        amendment = uow.session.get(Amendment, out.amendment_id)
        assert (amendment.status, amendment.deferred_to) == ("deferred", date(2028, 1, 1))
        assert uow.session.scalar(select(ContractTerm)) is None
    deferred = _mails("Wijziging van de overeenkomst uitgesteld")
    assert len(deferred) == 4
    body = deferred[0].body_text
    assert "nadeel voor cliënten: Langere reistijd voor jongeren" in body
    assert "1 januari 2028" in body and providers[1].name not in body  # not named to peers
    staff = _mails("Wijzigingsvoorstel uitgesteld")[0].body_text
    assert f"{providers[1].name} ({providers[1].code}): cliënten" in staff
    with pytest.raises(InvalidInput, match="is al besloten"):
        _react(cfg, out.amendment_id, providers[0].code, False)
    with UnitOfWork() as uow:
        kpi = next(k for k in svc.terms_in_force(uow.session, cfg).kpis if k.code == "wachttijd")
    assert kpi.norm_for("2027-Q3") == 6  # a deferred norm changes nothing


def test_a_withdrawn_proposal_is_not_decided(cfg: RegionConfig, providers: list[Provider]) -> None:
    out = svc.propose_amendment(UnitOfWork(), cfg, _proposal(), DAY)
    assert svc.withdraw_amendment(
        UnitOfWork(), cfg, out.amendment_id, "Eerst overleg", "cm-jansen", DAY
    )
    before = table_counts()
    assert not svc.withdraw_amendment(UnitOfWork(), cfg, out.amendment_id, "x", "cm-jansen", DAY)
    assert table_counts() == before
    assert len(_mails("Wijzigingsvoorstel ingetrokken")) == 4
    assert sweep_deadlines(UnitOfWork(), cfg, date(2027, 3, 25))["amendments_decided"] == 0
    with pytest.raises(InvalidInput, match="is al besloten"):
        _react(cfg, out.amendment_id, providers[0].code, False)


@pytest.mark.parametrize(
    ("answer", "response", "who"),
    [
        ("Akkoord.", "agrees", []),
        ("Geen bezwaar, dank voor het overleg.", "agrees", []),
        ("Wij hebben bezwaar: onze cliënten moeten verder reizen.", "objects", ["clients"]),
        ("Dit is nadelig voor de gemeente Urk.", "objects", ["municipality"]),
        ("Wij hebben er last van, onze kosten stijgen.", "objects", ["provider"]),
    ],
)
def test_a_reply_by_mail_registers_the_answer(
    cfg: RegionConfig,
    providers: list[Provider],
    env: Path,
    answer: str,
    response: str,
    who: list[str],
) -> None:
    out = svc.propose_amendment(UnitOfWork(), cfg, _proposal(), DAY)
    code = providers[3].code
    raw = reply_to(
        f"amendment:{out.amendment_id}:proposal:{code}",
        answer,
        sent=datetime(2027, 3, 12, 9, 0, tzinfo=REGION_TZ),
    )
    folder = env / "intake" / "post"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "antwoord.eml").write_bytes(raw)
    [result] = process_source(UnitOfWork, cfg, FolderSource(folder), date(2027, 3, 15))
    assert "Reactie geregistreerd" in result.outcome, result.outcome
    with UnitOfWork() as uow:
        party = uow.session.scalar(
            select(AmendmentParty).join(Provider).where(Provider.code == code)
        )
    assert (party.response, party.disadvantaged, party.via) == (response, who, "mail")
    assert party.received_on == date(2027, 3, 12)


def test_a_reply_that_is_neither_goes_to_the_proposer(
    cfg: RegionConfig, providers: list[Provider], env: Path
) -> None:
    from clm.services.views import work_list

    out = svc.propose_amendment(UnitOfWork(), cfg, _proposal(), DAY)
    code = providers[0].code
    raw = reply_to(f"amendment:{out.amendment_id}:proposal:{code}", "Kunnen we hierover bellen?")
    folder = env / "intake" / "post"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vraag.eml").write_bytes(raw)
    [result] = process_source(UnitOfWork, cfg, FolderSource(folder), date(2027, 3, 15))
    assert "niet als akkoord of bezwaar te lezen" in result.outcome
    listed = work_list(UnitOfWork(), cfg, date(2027, 3, 15))
    mine = listed[listed["staff_key"] == "cm-jansen"]
    assert mine["what"].str.contains("Kunnen we hierover bellen").any()
