"""Main contractors and subcontractors (SQLite and PostgreSQL): the register read with the
contracts and checked whole, a subcontractor's declarations counted for its main contractor
(clients once, revenue and municipalities together), a subcontractor without a contract of
its own not classified, its share shown apart, and its own figures on the main contractor's
data sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.documents.datasheet import data_sheet_template
from clm.errors import InvalidInput
from clm.rules.commands import ReferencePeriod
from clm.rules.config import RegionConfig
from clm.services import subcontracting
from clm.services.classification import compute_classification
from clm.services.contracts import import_contracts
from clm.services.data_intake import take_in_data_sheet
from clm.services.declarations import import_declarations
from clm.services.views import provider_table
from clm.storage.db import UnitOfWork
from clm.storage.models import DossierEvent, KpiValue, Provider, Subcontract
from tests.conftest import table_counts
from tests.helpers import HEADER, write_csv

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

CONTRACTS = ["AGB-code", "Raamovereenkomst", "Perceel", "Ingangsdatum", "Einddatum", "Optiejaren"]
SUBS = ["Hoofdaannemer", "Onderaannemer", "Perceel", "Vanaf", "Tot en met", "Declaraties"]
DAY = date(2027, 1, 11)


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    """main (AMB), sub (AMB, no contract of its own), own (AMB and DAG, own DAG contract),
    other (DAG)."""
    demo = demo_providers(cfg, count=4)
    lots = [("AMB",), ("AMB",), ("AMB", "DAG"), ("DAG",)]
    upsert_providers(
        UnitOfWork(), [replace(p, care_types=c) for p, c in zip(demo, lots, strict=True)]
    )
    return [p.code for p in demo]


def _register(tmp: Path, codes: list[str], subs: list[list[str]]) -> tuple[Path, Path]:
    contracts = write_csv(
        tmp / "contracten.csv",
        [
            [codes[0], "RO", "AMB", "01-01-2025", "31-12-2027", "1"],
            [codes[2], "RO", "DAG", "01-01-2025", "31-12-2027", "1"],
            [codes[3], "RO", "DAG", "01-01-2025", "31-12-2027", "1"],
        ],
        header=CONTRACTS,
    )
    return contracts, write_csv(tmp / "onderaanneming.csv", subs, header=SUBS)


def _import(cfg: RegionConfig, paths: tuple[Path, Path]) -> object:
    return import_contracts(UnitOfWork(), cfg, paths[0], "cb-smit", DAY, subcontracts=paths[1])


def test_the_relations_are_stored_once_and_shown(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    rows = [
        [codes[0], codes[1], "AMB", "01-01-2026", "", ""],
        [codes[0], codes[2], "amb", "2026-01-01", "31-12-2027", "hoofdaannemer"],
    ]
    result = _import(cfg, _register(tmp_path, codes, rows))
    assert (result.subcontracts_new, result.subcontracts_changed) == (2, 0)
    before = table_counts()
    again = _import(cfg, _register(tmp_path, codes, rows))
    assert again.subcontracts_new == 0 and table_counts() == before
    with UnitOfWork() as uow:
        events = uow.session.scalars(
            select(DossierEvent.summary).where(DossierEvent.key.like("subcontract:%"))
        ).all()
    assert len(events) == 4  # both dossiers of each relation
    table = provider_table(UnitOfWork(), cfg).set_index("code")
    assert "onderaannemer van" in table.loc[codes[1], "contracts"]
    assert table.loc[codes[0], "contracts"].count("hoofdaannemer van") == 2


@pytest.mark.parametrize(
    ("row", "place"),
    [
        (["{0}", "{0}", "AMB", "01-01-2026", "", ""], "dezelfde aanbieder"),
        (["{0}", "99999999", "AMB", "01-01-2026", "", ""], "kolom 'Onderaannemer': onbekende"),
        (["{0}", "1234", "AMB", "01-01-2026", "", ""], "geen geldige AGB-code"),
        (["{0}", "{1}", "XYZ", "01-01-2026", "", ""], "onbekend perceel"),
        (["{0}", "{1}", "DAG", "01-01-2026", "", ""], "heeft geen contract voor perceel DAG"),
        (["{0}", "{1}", "AMB", "", "", ""], "kolom 'Vanaf': datum ontbreekt"),
        (["{0}", "{1}", "AMB", "01-01-2026", "31-12-2025", ""], "vóór de ingangsdatum"),
        (["{0}", "{1}", "AMB", "01-01-2026", "", "beide"], "'hoofdaannemer' of 'eigen"),
        (["{2}", "{3}", "DAG", "01-01-2026", "", ""], "heeft ook een eigen contract voor DAG"),
    ],
)
def test_a_bad_relation_is_named_and_nothing_is_stored(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], row: list[str], place: str
) -> None:
    before = table_counts()
    with pytest.raises(InvalidInput) as err:
        _import(cfg, _register(tmp_path, codes, [[v.format(*codes) for v in row]]))
    text = str(err.value)
    assert "onderaanneming.csv, rij 2" in text and place in text, text
    assert table_counts() == before  # not the contracts either


def test_one_subcontractor_for_two_main_contractors_at_once_is_ambiguous(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    rows = [
        [codes[0], codes[1], "AMB", "01-01-2026", "30-06-2026", ""],
        [codes[2], codes[1], "AMB", "01-06-2026", "", ""],
    ]
    with pytest.raises(InvalidInput, match="rij 3.*andere hoofdaannemer \\(regel 2\\)"):
        _import(cfg, _register(tmp_path, codes, rows))
    rows[1][3] = "01-07-2026"  # one after the other is fine
    assert _import(cfg, _register(tmp_path, codes, rows)).subcontracts_new == 2


def test_declarations_count_for_the_main_contractor(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    main, sub, own, _other = codes
    _import(
        cfg,
        _register(
            tmp_path,
            codes,
            [
                [main, sub, "AMB", "01-03-2026", "", ""],
                [main, own, "AMB", "01-01-2026", "", "hoofdaannemer"],
            ],
        ),
    )
    declarations = [
        [main, "c1", "GM0034", "2026-03", "1000", "AMB"],
        [main, "c2", "GM0034", "2026-03", "1000", "AMB"],
        [sub, "c2", "GM0303", "2026-04", "500", "AMB"],  # a client the main has too
        [sub, "c3", "GM0995", "2026-05", "500", "AMB"],
        [sub, "c9", "GM0184", "2026-02", "700", "AMB"],  # before the relation: its own
        [own, "c4", "GM0050", "2026-06", "300", "AMB"],  # to the main, by the register
        [own, "c5", "GM0050", "2026-06", "400", "DAG"],  # its own contract
    ]
    import_declarations(
        UnitOfWork(), cfg, write_csv(tmp_path / "d.csv", declarations, header=HEADER), DAY
    )
    lenient = cfg.model_copy(
        update={
            "classification": cfg.classification.model_copy(update={"allow_missing_judged": True})
        }
    )
    result = compute_classification(
        UnitOfWork(), lenient, 2027, ReferencePeriod.calendar_year(2026)
    )
    figures = result[["clients", "municipalities", "revenue"]]
    assert figures.loc[main].tolist() == [4, 4, 3300.0]  # c1 c2 c3 c4; 4 municipalities
    assert sub not in result.index  # no contract of its own: its main is classified
    assert figures.loc[own].tolist() == [1, 1, 400.0]
    with UnitOfWork() as uow:
        shares = subcontracting.shares(uow.session, date(2026, 1, 1), date(2026, 12, 31))
        lines = subcontracting.share_lines(
            uow.session,
            uow.session.scalar(select(Provider.id).where(Provider.code == main)),
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
    assert sorted(zip(shares["clients"], shares["revenue"], strict=True)) == [
        (1, 300.0),
        (2, 1000.0),
    ]
    assert any("2 cliënten, € 1.000,00 (30% van de omzet)" in line for line in lines), lines


def test_the_main_contractor_fills_in_its_subcontractors_figures(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    main, sub, own, other = codes
    _import(cfg, _register(tmp_path, codes, [[main, sub, "AMB", "01-01-2026", "", ""]]))
    with UnitOfWork() as uow:
        names = subcontracting.subcontractors_of(
            uow.session,
            uow.session.scalar(select(Provider.id).where(Provider.code == main)),
            date(2027, 1, 1),
            date(2027, 3, 31),
        )
    assert [c for c, _ in names] == [sub]
    path = tmp_path / "gegevens.xlsx"
    path.write_bytes(data_sheet_template(main, "x", "2027-Q1", cfg.sheet_kpis, names))
    book = load_workbook(path)
    sheet = book["Gegevens"]
    codes_in_sheet = [sheet.cell(r, 1).value for r in range(6, sheet.max_row + 1)]
    assert f"ervaringsdeskundigen@{sub}" in codes_in_sheet
    assert len(codes_in_sheet) == len(cfg.sheet_kpis) + 1
    for r in range(6, sheet.max_row + 1):
        sheet.cell(r, 5, 2)
    book.save(path)
    take_in_data_sheet(UnitOfWork(), cfg, path, DAY)
    with UnitOfWork() as uow:
        stored = uow.session.execute(
            select(Provider.code, KpiValue.kpi_code, KpiValue.remark)
            .join(Provider, Provider.id == KpiValue.provider_id)
            .where(Provider.code == sub)
        ).all()
    assert stored == [(sub, "ervaringsdeskundigen", f"via {main} (hoofdaannemer)")]
    # a row for an organisation that is no subcontractor of this provider is refused
    sheet.cell(sheet.max_row, 1, f"ervaringsdeskundigen@{other}")
    book.save(path)
    before = table_counts()
    with pytest.raises(InvalidInput, match=f"{other} is geen onderaannemer van {main}"):
        take_in_data_sheet(UnitOfWork(), cfg, path, DAY)
    assert table_counts() == before


def test_the_relation_rows_are_kept(codes: list[str], cfg: RegionConfig, tmp_path: Path) -> None:
    _import(cfg, _register(tmp_path, codes, [[codes[0], codes[1], "AMB", "01-01-2026", "", ""]]))
    with UnitOfWork() as uow:
        row = uow.session.scalar(select(Subcontract))
        assert (row.lot, row.end_on, row.declarations_to) == ("AMB", None, "main")


def test_escalation_goes_to_the_main_contractor(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    from clm.rules.commands import StepRequest
    from clm.services.escalation import request_step

    _import(cfg, _register(tmp_path, codes, [[codes[0], codes[1], "AMB", "01-01-2026", "", ""]]))
    request = StepRequest(
        provider_code=codes[1],
        step=1,
        reason="Wachttijden lopen op",
        requested_by="cm-jansen",
        heard_on=DAY,
        hearing_summary="gesprek",
    )
    before = table_counts()
    with pytest.raises(InvalidInput, match="escaleer bij de hoofdaannemer"):
        request_step(UnitOfWork(), cfg, request, DAY)
    assert table_counts() == before
    main = replace(request, provider_code=codes[0])
    assert request_step(UnitOfWork(), cfg, main, DAY) > 0


def test_the_main_contractors_data_request_asks_for_its_subcontractors(
    env: Path, db: str, cfg: RegionConfig
) -> None:
    from admin.demo import demo_subcontracting, load_demo
    from clm.services.classification import store_classification
    from clm.services.meetings import prepare_month
    from clm.storage.models import OutboxAttachment, OutboxMessage
    from tests.conftest import AS_OF

    load_demo(UnitOfWork, cfg, AS_OF, env / "intake", contracts=True)
    main, subs = demo_subcontracting(demo_providers(cfg))
    period = ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(UnitOfWork(), cfg, AS_OF.year + 1, period)
    assert {main.code, *(s.code for s in subs)} <= set(result.index)  # subs hold lots too
    store_classification(UnitOfWork(), cfg, AS_OF.year + 1, period, result, AS_OF)
    prepare_month(UnitOfWork(), cfg, date(2027, 4, 1), date(2027, 3, 1))
    with UnitOfWork() as uow:
        mail = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key == f"meeting:2027-04:{main.code}:request")
        )
        sheet = uow.session.scalar(
            select(OutboxAttachment.content).where(
                OutboxAttachment.message_id == mail.id, OutboxAttachment.filename.like("%.xlsx")
            )
        )
    assert "Als hoofdaannemer vult u ervaringsdeskundigen in dienst ook in" in mail.body_text
    assert all(f"{s.name} ({s.code})" in mail.body_text for s in subs)
    path = env / "blad.xlsx"
    path.write_bytes(sheet)
    rows = [r[0] for r in load_workbook(path)["Gegevens"].iter_rows(min_row=6, values_only=True)]
    assert {f"ervaringsdeskundigen@{s.code}" for s in subs} <= set(rows)
