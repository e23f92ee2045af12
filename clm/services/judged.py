"""Use cases: record the judged criteria of a provider, one by one or from a sheet."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from clm.documents.tabular import JUDGED_SHEET, ProblemCollector, read_table
from clm.errors import InputProblem, InvalidInput
from clm.rules.commands import JudgedInput
from clm.rules.config import JUDGED, RegionConfig
from clm.rules.vocabulary import EventKind
from clm.services.common import provider_by_code, provider_ids
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import JudgedScore

SHEET = "Beoordeling"
COLUMNS: dict[str, tuple[str, ...]] = {
    "provider_code": ("provider_code", "aanbieder", "agb", "agb-code", "aanbiedercode"),
    "specialisation": ("specialisation", "specialisatie", "specialisatie van het aanbod"),
    "information": ("information", "informatie", "bijdrage aan informatie"),
    "political_importance": ("political_importance", "politiek belang", "politiek"),
    "remark": ("remark", "toelichting", "opmerking"),
}


def _check_scores(item: JudgedInput, source: str) -> list[InputProblem]:
    return [
        InputProblem(source, f"{key} moet een geheel getal van 1 tot en met 10 zijn", column=key)
        for key in JUDGED
        if not 1 <= getattr(item, key) <= 10
    ]


def record_judged_scores(
    uow: UnitOfWork,
    cfg: RegionConfig,
    items: list[JudgedInput],
    year: int,
    entered_by: str,
    as_of: date,
) -> int:
    """Store (or replace) the judged scores for ``year``; returns how many rows changed.

    Unchanged scores write nothing; every change is an event in the provider's dossier.
    """
    cfg.staff_member(entered_by)
    problems = [p for item in items for p in _check_scores(item, "parameters")]
    if problems:
        raise InvalidInput(problems, "Beoordeling afgekeurd, er is niets opgeslagen")
    changed = 0
    with uow:
        for item in items:
            provider = provider_by_code(uow.session, item.provider_code)
            row = uow.session.scalar(
                select(JudgedScore).where(
                    JudgedScore.provider_id == provider.id, JudgedScore.year == year
                )
            )
            values = {k: getattr(item, k) for k in JUDGED}
            if (
                row is not None
                and {k: getattr(row, k) for k in JUDGED} == values
                and row.remark == item.remark
            ):
                continue
            if row is None:
                row = JudgedScore(provider_id=provider.id, year=year, **values)
                uow.session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            row.remark, row.entered_by = item.remark, entered_by
            uow.session.flush()
            scores = ", ".join(
                f"{getattr(cfg.classification.criteria, k).label} {v}" for k, v in values.items()
            )
            record_event(
                uow.session,
                key=f"judged:{year}:{provider.code}:{row.id}:{_fingerprint(values, item.remark)}",
                provider_id=provider.id,
                kind=EventKind.JUDGED_SCORES,
                summary=f"Beoordeelde criteria {year} vastgelegd: {scores}",
                actor=entered_by,
                as_of=as_of,
                data={"year": year, **values, "remark": item.remark},
            )
            changed += 1
        uow.commit()
    return changed


def _fingerprint(values: dict[str, int], remark: str) -> str:
    text = repr(sorted(values.items())) + remark
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def parse_judged_sheet(
    path: Path, known_codes: set[str] | None, source: str | None = None
) -> list[JudgedInput]:
    """Read and validate a sheet of judged scores (CSV, or .xlsx with sheet 'Beoordeling')."""
    source = source or path.name
    table = read_table(
        path, COLUMNS, sheet=SHEET, source=source, optional=("remark",), bounds=JUDGED_SHEET
    )
    problems = ProblemCollector(source, table.attrs["headers"])
    rows = table["_row"]
    code_ok = table["provider_code"].str.fullmatch(r"[0-9]{8}")
    problems.add(rows[~code_ok], "provider_code", "geen geldige AGB-code (8 cijfers)")
    if known_codes is not None:  # None: a preview without the register
        unknown = code_ok & ~table["provider_code"].isin(known_codes)
        problems.add(rows[unknown], "provider_code", "onbekende aanbieder (niet in het register)")
    numbers = {}
    for key in JUDGED:
        plain = table[key].str.fullmatch(r"[0-9]{1,2}(?:[.,]0+)?")  # ASCII digits only
        value = pd.to_numeric(
            table[key].where(plain, "").str.replace(",", ".", regex=False), errors="coerce"
        )
        bad = value.isna() | (value % 1 != 0) | (value < 1) | (value > 10)
        problems.add(rows[bad], key, "moet een geheel getal van 1 tot en met 10 zijn")
        numbers[key] = value
    dup = table["provider_code"].duplicated()
    problems.add(rows[dup], "provider_code", "aanbieder staat er meer dan eens in")
    problems.raise_if_any(f"Beoordelingsblad {source} afgekeurd, er is niets opgeslagen")
    return [
        JudgedInput(code, *(int(numbers[k][i]) for k in JUDGED), remark=remark)
        for i, (code, remark) in enumerate(
            zip(table["provider_code"], table["remark"], strict=True)
        )
    ]


def import_judged_scores(
    uow: UnitOfWork,
    cfg: RegionConfig,
    path: Path,
    year: int,
    entered_by: str,
    as_of: date,
    source: str | None = None,
) -> tuple[int, int]:
    """Import a sheet of judged scores; returns (rows in the sheet, rows changed)."""
    with uow:
        known = set(provider_ids(uow.session))
    items = parse_judged_sheet(path, known, source)
    return len(items), record_judged_scores(uow, cfg, items, year, entered_by, as_of)
