"""Small builders of test input files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage
from clm.storage.outbox import enqueue

HEADER = ["AGB-code", "Cliënt", "Gemeente", "Periode", "Bedrag", "Zorgvorm"]


def write_csv(
    path: Path,
    rows: list[list[object]],
    header: list[str] | None = None,
    sep: str = ";",
    encoding: str = "utf-8",
) -> Path:
    lines = [sep.join(header or HEADER)] + [sep.join(str(v) for v in r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    header: list[str] | None = None,
    sheet: str = "Declaraties",
) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def filled_minutes_sheet(folder: Path, code: str, month: date, day: date, edit=None) -> Path:  # noqa: ANN001
    """The minutes template of a provider's meeting, filled in as the support officer would
    (admin.samples.fill_minutes_sheet), then changed by ``edit`` (an openpyxl book)."""
    from openpyxl import load_workbook

    from admin.samples import fill_minutes_sheet
    from clm.services.common import region_config
    from clm.services.minutes import write_template
    from clm.storage.db import UnitOfWork

    path = write_template(UnitOfWork(), region_config(), code, month, folder)
    fill_minutes_sheet(path, day)
    if edit:
        book = load_workbook(path)
        edit(book)
        book.save(path)
    return path


def enqueue_many(cfg: RegionConfig, n: int, prefix: str = "test") -> set[str]:
    """``n`` plain messages in the outbox in one commit (keys ``prefix:i``, addressed to 40
    providers in turn); the Message-IDs of all messages then in the outbox."""
    with UnitOfWork() as uow:
        for i in range(n):
            enqueue(
                uow.session,
                key=f"{prefix}:{i}",
                sender=cfg.mail,
                to=[f"aanbieder{i % 40}@zorg.example.org"],
                subject=f"Bericht {i}",
                text=f"Bericht nummer {i}",
                html=f"<p>Bericht nummer {i}</p>",
            )
        uow.commit()
        return set(uow.session.scalars(select(OutboxMessage.message_id)))


def april_planned(cfg: RegionConfig, intake: Path) -> tuple[str, date]:
    """The demo region loaded, classified for 2027 and its April meetings planned on 1 March:
    (the code of the provider meeting first, its meeting day)."""
    from sqlalchemy import select

    from admin.demo import load_demo
    from clm.clock import REGION_TZ
    from clm.services.classification import (
        ReferencePeriod,
        compute_classification,
        store_classification,
    )
    from clm.services.meetings import as_utc, prepare_month
    from clm.storage.models import Meeting, Provider
    from tests.conftest import AS_OF

    load_demo(UnitOfWork, cfg, AS_OF, intake)
    period = ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(UnitOfWork(), cfg, AS_OF.year + 1, period)
    store_classification(UnitOfWork(), cfg, AS_OF.year + 1, period, result, AS_OF)
    prepare_month(UnitOfWork(), cfg, date(2027, 4, 1), date(2027, 3, 1))
    with UnitOfWork() as uow:
        m, code = uow.session.execute(
            select(Meeting, Provider.code).join(Provider).order_by(Meeting.starts_at)
        ).first()
    return code, as_utc(m.starts_at).astimezone(REGION_TZ).date()
