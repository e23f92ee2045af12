"""Use case: import a declaration file into the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, insert, select

from clm.documents.declarations import content_hash, parse_declarations
from clm.rules.config import RegionConfig
from clm.services.common import provider_ids
from clm.storage.db import UnitOfWork, serialise
from clm.storage.models import Declaration, DeclarationImport


@dataclass(frozen=True)
class ImportResult:
    """What an import did: 'imported' or 'unchanged', with the figures of the file."""

    status: str
    file_name: str
    rows: int
    periods: list[str]
    replaced_rows: int
    total_amount: float


def import_declarations(
    uow: UnitOfWork, cfg: RegionConfig, path: Path, as_of: date, source: str | None = None
) -> ImportResult:
    """Validate the whole file, then replace the rows of its periods in one transaction.

    The same content imported again changes nothing; a corrected file for the same periods
    replaces those periods' rows. Invalid files raise :class:`clm.errors.InvalidInput` before
    anything is written.
    """
    source = source or path.name
    with uow:
        ids = provider_ids(uow.session)
        rows = parse_declarations(
            path,
            provider_codes=set(ids),
            municipality_codes=cfg.municipality_codes,
            care_type_codes=cfg.care_type_codes,
            source=source,
        )
        digest = content_hash(rows)
        periods = sorted({p.isoformat()[:7] for p in rows["period"]})
        total = round(float(rows["amount"].sum()), 2)

        # Two imports for the same month at once must not both delete and then both insert
        # (the month doubled): they take turns from here to the commit.
        serialise(uow.session, "declarations")
        if _still_current(uow, digest, len(rows)):
            return ImportResult("unchanged", source, len(rows), periods, 0, total)

        period_dates = sorted(set(rows["period"]))
        replaced = uow.session.execute(
            delete(Declaration).where(Declaration.period.in_(period_dates))
        ).rowcount
        batch = DeclarationImport(
            file_name=source,
            content_hash=digest,
            periods=periods,
            row_count=len(rows),
            total_amount=total,
            as_of=as_of,
        )
        uow.session.add(batch)
        uow.session.flush()
        records = rows.assign(provider_id=rows["provider_code"].map(ids), import_id=batch.id).drop(
            columns=["provider_code"]
        )
        uow.session.execute(insert(Declaration), records.to_dict(orient="records"))
        uow.commit()
        return ImportResult("imported", source, len(rows), periods, replaced, total)


def _still_current(uow: UnitOfWork, digest: str, row_count: int) -> bool:
    """True when an earlier import with this content still holds all its rows."""
    for import_id in uow.session.scalars(
        select(DeclarationImport.id).where(DeclarationImport.content_hash == digest)
    ):
        present = uow.session.scalar(
            select(func.count()).select_from(Declaration).where(Declaration.import_id == import_id)
        )
        if present == row_count:
            return True
    return False
