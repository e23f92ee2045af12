"""A missed result obligation raises exactly one signal, whichever step sees it first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from clm.documents.datasheet import data_sheet_template
from clm.rules.config import RegionConfig
from clm.services.analysis import gather, raise_obligation_signals
from clm.services.data_intake import take_in_data_sheet
from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage, Provider, Signal

CODE = "12345678"


def _provider() -> None:
    with UnitOfWork() as uow:
        uow.session.add(
            Provider(
                code=CODE,
                name="Zorg Test",
                contact_name="A. Test",
                contact_email="a@zorg.example.org",
                contract_manager="cm-jansen",
                care_types="AMB",
            )
        )
        uow.commit()


def _sheet(tmp_path: Path, cfg: RegionConfig, quarter: str, **values: float) -> Path:
    """A data sheet with every KPI at its norm, but for ``values``."""
    path = tmp_path / f"gegevens-{quarter}-{len(values)}-{sum(values.values())}.xlsx"
    path.write_bytes(data_sheet_template(CODE, "Zorg Test", quarter, cfg.sheet_kpis))
    book = load_workbook(path)
    year = int(quarter[:4])
    for r, kpi in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(r, 5, values.get(kpi.code, kpi.norm_for(year) or 1))
    book.save(path)
    return path


def _signals() -> dict[str, int]:
    with UnitOfWork() as uow:
        keys = uow.session.scalars(select(Signal.key)).all()
    return {prefix: sum(k.startswith(prefix) for k in keys) for prefix in ("obligation:", "kpi:")}


def test_missed_obligation_is_one_signal(db: str, cfg: RegionConfig, tmp_path: Path) -> None:
    _provider()
    as_of = date(2026, 10, 20)
    # satisfaction 6.0 misses the 2026 norm 7.5, not by 25%; dropout 20 is far above its
    # norm 10: from 2026 every KPI with a norm is a result obligation (seed 002), so both
    # are obligation signals
    sheet = _sheet(tmp_path, cfg, "2026-Q3", clienttevredenheid=6.0, uitval=20)
    take_in_data_sheet(UnitOfWork(), cfg, sheet, as_of)
    assert _signals() == {"obligation:": 2, "kpi:": 0}
    with UnitOfWork() as uow:
        texts = uow.session.scalars(
            select(Signal.description).where(Signal.key.like("obligation:%"))
        ).all()
    assert any("Resultaatverplichting niet gehaald: Cliënttevredenheid" in t for t in texts)
    # the contract manager's mail names the signal's kind as open-signalen and the dossier do
    with UnitOfWork() as uow:
        mails = uow.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.key.like("obligation:%"))
        ).all()
    assert mails and all("Signaal (kwaliteit) voor Zorg Test" in m for m in mails)

    take_in_data_sheet(UnitOfWork(), cfg, sheet, as_of)  # the same file again
    corrected = _sheet(tmp_path, cfg, "2026-Q3", clienttevredenheid=6.5, uitval=20)
    take_in_data_sheet(UnitOfWork(), cfg, corrected, date(2026, 10, 21))  # still missed
    data = gather(UnitOfWork(), cfg, "2026-Q3", date(2026, 11, 23))
    assert raise_obligation_signals(UnitOfWork(), cfg, data, date(2026, 11, 23)) == 0
    assert _signals() == {"obligation:": 2, "kpi:": 0}


def test_a_kpi_the_region_exempts_gives_a_plain_signal(
    db: str, cfg: RegionConfig, tmp_path: Path
) -> None:
    """A KPI with a norm that the config exempts, with its reason, is no obligation: far off
    its norm it raises a plain KPI signal instead."""
    import yaml

    from clm.rules.config import parse_config
    from clm.settings import PROJECT_DIR

    data = yaml.safe_load((PROJECT_DIR / "config" / "region.yaml").read_text(encoding="utf-8"))
    for kpi in data["kpis"]:
        if kpi["code"] == "uitval":
            kpi["no_obligation"] = "Norm nog in ontwikkeling met de aanbieders"
    exempt = parse_config(data, "region.yaml")
    assert not next(k for k in exempt.kpis if k.code == "uitval").is_obligation(2026)
    _provider()
    sheet = _sheet(tmp_path, exempt, "2026-Q3", uitval=20)
    take_in_data_sheet(UnitOfWork(), exempt, sheet, date(2026, 10, 20))
    assert _signals() == {"obligation:": 0, "kpi:": 1}


def test_no_obligation_before_its_year(db: str, cfg: RegionConfig, tmp_path: Path) -> None:
    _provider()
    # 2025: the norm is 7 and not yet an obligation; 6.0 is within the 25% margin
    take_in_data_sheet(
        UnitOfWork(),
        cfg,
        _sheet(tmp_path, cfg, "2025-Q3", clienttevredenheid=6.0),
        date(2025, 10, 1),
    )
    data = gather(UnitOfWork(), cfg, "2025-Q3", date(2025, 11, 23))
    assert raise_obligation_signals(UnitOfWork(), cfg, data, date(2025, 11, 23)) == 0
    assert _signals() == {"obligation:": 0, "kpi:": 0}
