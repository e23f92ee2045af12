"""The register sheet read and checked whole (CSV or the tab 'Contracten', with its tab
'Onderaanneming'), then stored: new contracts added, changed ones updated, one that a
decision changed in the product not overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.documents.tabular import REGISTER, ProblemCollector, has_sheet, read_table
from clm.rules.config import RegionConfig
from clm.rules.contracts import default_decide_by, term_text
from clm.rules.inputs import sheet_date
from clm.rules.vocabulary import ContractStatus, EventKind
from clm.services.common import provider_by_code
from clm.services.contracts.terms import plan_decision, term_of
from clm.services.register_rules import check_relations, check_terms, lock_register
from clm.services.subcontracting import SHEET as SUBCONTRACT_SHEET
from clm.services.subcontracting import parse_subcontract_sheet, register_subcontracts
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Contract, DossierEvent, Provider

SHEET = "Contracten"


COLUMNS: dict[str, tuple[str, ...]] = {
    "provider_code": ("provider_code", "aanbieder", "agb", "agb-code", "aanbiedercode"),
    "agreement": ("agreement", "raamovereenkomst", "overeenkomst", "contractnummer"),
    "lot": ("lot", "perceel", "zorgvorm"),
    "start_on": ("start_on", "ingangsdatum", "begindatum", "startdatum", "ingang"),
    "end_on": ("end_on", "einddatum", "einde looptijd", "looptijd tot en met"),
    "option_years": ("option_years", "optiejaren", "opties", "aantal optiejaren"),
    "decide_by": ("decide_by", "besluit uiterlijk", "besluit optiejaar uiterlijk", "optiebesluit"),
}


MAX_OPTION_YEARS = 10


AGREEMENT_CHARS = 50


@dataclass(frozen=True)
class ContractInput:
    """One row of the register sheet, checked."""

    provider_code: str
    agreement: str
    lot: str
    start_on: date
    end_on: date
    option_years: int
    decide_by: date | None  # None: the config's months before the end (when years are open)
    row: int = 0


@dataclass(frozen=True)
class ContractImport:
    """What an import did: rows read, contracts new and changed, lots added to providers."""

    rows: int
    created: int
    changed: int
    lots_added: tuple[str, ...] = ()
    subcontracts_new: int = 0
    subcontracts_changed: int = 0
    # rows not stored because a decision in the product changed the contract since
    kept: tuple[str, ...] = ()


def _dates(table: pd.DataFrame, column: str, problems: ProblemCollector, required: bool):  # noqa: ANN202
    """The column as dates (None where empty); each bad cell named once."""
    values: list[date | None] = []
    for row, text in zip(table["_row"], table[column], strict=True):
        if not text:
            if required:
                problems.add(pd.Series([row]), column, "datum ontbreekt")
            values.append(None)
            continue
        try:
            values.append(sheet_date(text))
        except ValueError as exc:
            problems.add(pd.Series([row]), column, str(exc))
            values.append(None)
    return values


def parse_contract_sheet(
    path: Path, cfg: RegionConfig, known_codes: set[str] | None, source: str | None = None
) -> list[ContractInput]:
    """Read and check a register sheet (CSV, or .xlsx with sheet 'Contracten'); every
    problem is named with its row and column, and nothing is returned when there is one."""
    source = source or path.name
    table = read_table(
        path, COLUMNS, sheet=SHEET, source=source, optional=("decide_by",), bounds=REGISTER
    )
    problems = ProblemCollector(source, table.attrs["headers"])
    rows = table["_row"]
    code_ok = table["provider_code"].str.fullmatch(r"[0-9]{8}")
    problems.add(rows[~code_ok], "provider_code", "geen geldige AGB-code (8 cijfers)")
    if known_codes is not None:
        unknown = code_ok & ~table["provider_code"].isin(known_codes)
        problems.add(rows[unknown], "provider_code", "onbekende aanbieder (niet in het register)")
    agreement = table["agreement"]
    problems.add(rows[agreement == ""], "agreement", "raamovereenkomst ontbreekt")
    problems.add(
        rows[agreement.str.len() > AGREEMENT_CHARS],
        "agreement",
        f"langer dan {AGREEMENT_CHARS} tekens",
    )
    lots = sorted(cfg.care_type_codes)
    lot = table["lot"].str.upper()
    problems.add(
        rows[~lot.isin(lots)],
        "lot",
        f"onbekend perceel (bekend zijn: {', '.join(lots)})",
    )
    plain = table["option_years"].str.fullmatch(r"[0-9]{1,2}(?:[.,]0+)?")
    years = pd.to_numeric(
        table["option_years"].where(plain, "").str.replace(",", ".", regex=False),
        errors="coerce",
    )
    bad_years = years.isna() | (years > MAX_OPTION_YEARS)
    problems.add(
        rows[bad_years],
        "option_years",
        f"moet een geheel getal van 0 tot en met {MAX_OPTION_YEARS} zijn",
    )
    starts = _dates(table, "start_on", problems, required=True)
    ends = _dates(table, "end_on", problems, required=True)
    decides = _dates(table, "decide_by", problems, required=False)
    for i, row in enumerate(rows):
        start, end, decide = starts[i], ends[i], decides[i]
        if start and end and end < start:
            problems.add(pd.Series([row]), "end_on", "einddatum ligt vóór de ingangsdatum")
        if decide and end and decide > end:
            problems.add(
                pd.Series([row]), "decide_by", "besluitdatum ligt na het einde van de looptijd"
            )
        if decide and not bad_years.iloc[i] and years.iloc[i] == 0:
            problems.add(
                pd.Series([row]),
                "decide_by",
                "er zijn geen optiejaren: laat de besluitdatum leeg",
            )
    key = pd.DataFrame({"a": agreement.str.casefold(), "c": table["provider_code"], "l": lot})
    dup = key.duplicated()
    problems.add(rows[dup], "lot", "dit perceel van deze aanbieder staat er meer dan eens in")
    # one provider, one lot: two agreements may follow each other, not overlap
    spans: dict[tuple[str, str], list[tuple[date, date, int]]] = {}
    for i, row in enumerate(rows):
        if starts[i] and ends[i] and not dup.iloc[i]:
            here = (table["provider_code"].iloc[i], lot.iloc[i])
            for other_start, other_end, other_row in spans.get(here, []):
                if starts[i] <= other_end and other_start <= ends[i]:
                    problems.add(
                        pd.Series([row]),
                        "start_on",
                        f"looptijd overlapt met regel {other_row} (zelfde aanbieder en perceel)",
                    )
            spans.setdefault(here, []).append((starts[i], ends[i], int(row)))
    problems.raise_if_any(f"Contractregister {source} afgekeurd, er is niets opgeslagen")
    return [
        ContractInput(
            provider_code=table["provider_code"].iloc[i],
            agreement=agreement.iloc[i],
            lot=lot.iloc[i],
            start_on=starts[i],  # type: ignore[arg-type]
            end_on=ends[i],  # type: ignore[arg-type]
            option_years=int(years.iloc[i]),
            decide_by=decides[i],
            row=int(rows.iloc[i]),
        )
        for i in range(len(table))
    ]


def _store_contracts(
    session: Session,
    cfg: RegionConfig,
    items: list[ContractInput],
    entered_by: str,
    as_of: date,
    source: str = "contractregister",
) -> ContractImport:
    """Store the register rows in the caller's transaction (see :func:`register_contracts`)."""
    created = changed = 0
    added: list[str] = []
    kept: list[str] = []
    for item in items:
        provider = provider_by_code(session, item.provider_code)
        decide_by = item.decide_by
        if decide_by is None and item.option_years > 0:
            decide_by = default_decide_by(item.end_on, cfg.contracts.option_decision_months)
        values = {
            "start_on": item.start_on,
            "end_on": item.end_on,
            "option_years": item.option_years,
            "decide_by": decide_by if item.option_years > 0 else None,
        }
        row = session.scalar(
            select(Contract).where(
                Contract.agreement == item.agreement,
                Contract.provider_id == provider.id,
                Contract.lot == item.lot,
            )
        )
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            continue
        if row is not None and _decided_since_registered(session, row):
            # an older sheet read again must not undo an option decision or step 7
            kept.append(
                f"{provider.code} {row.lot} (regel {item.row}): na het besluit staat in het "
                f"register {term_text(term_of(row), as_of)}; niet overschreven"
            )
            continue
        if row is None:
            row = Contract(
                provider_id=provider.id,
                agreement=item.agreement,
                lot=item.lot,
                status=ContractStatus.ACTIVE,
                end_reason="",
                updated_on=as_of,
                **values,
            )
            session.add(row)
            created += 1
        else:
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_on = as_of
            changed += 1
        session.flush()
        lots = [c.strip() for c in provider.care_types.split(",") if c.strip()]
        if item.lot not in lots:
            provider.care_types = ", ".join([*lots, item.lot])
            added.append(f"{provider.code} {item.lot}")
        plan_decision(session, cfg, row, provider.contract_manager)
        text = term_text(term_of(row), as_of)
        record_event(
            session,
            key=f"contract:{row.id}:{row.start_on}:{row.end_on}:{row.option_years}:{row.decide_by}",
            provider_id=provider.id,
            kind=EventKind.CONTRACT_REGISTERED,
            actor=entered_by,
            as_of=as_of,
            summary=f"Contract vastgelegd ({row.agreement}, vanaf {row.start_on:%d-%m-%Y}): {text}",
            data={
                "agreement": row.agreement,
                "lot": row.lot,
                **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()},
            },
        )
    session.flush()
    check_terms(
        session, {(i.provider_code, i.agreement.casefold(), i.lot): i.row for i in items}, source
    )
    return ContractImport(len(items), created, changed, tuple(added), kept=tuple(kept))


def _decided_since_registered(session: Session, contract: Contract) -> bool:
    """Whether an option decision or a step 7 changed the contract in the product."""
    return contract.status != ContractStatus.ACTIVE or (
        session.scalar(
            select(DossierEvent.id)
            .where(DossierEvent.key.like(f"option-decision:{contract.id}:%"))
            .limit(1)
        )
        is not None
    )


def register_contracts(
    uow: UnitOfWork, cfg: RegionConfig, items: list[ContractInput], entered_by: str, as_of: date
) -> ContractImport:
    """Store the register rows: new contracts added, changed ones updated (each change an
    event in the provider's dossier), unchanged ones left alone; rows not in the sheet stay
    as they are. A lot a provider did not hold yet is added to its care types."""
    cfg.staff_member(entered_by)
    with uow:
        lock_register(uow.session)
        result = _store_contracts(uow.session, cfg, items, entered_by, as_of)
        uow.commit()
    return result


def import_contracts(
    uow: UnitOfWork,
    cfg: RegionConfig,
    path: Path,
    entered_by: str,
    as_of: date,
    source: str | None = None,
    subcontracts: Path | None = None,
) -> ContractImport:
    """Check a whole register sheet, then store it; the subcontracting in the same run, from
    ``subcontracts`` (a CSV or workbook) or from the workbook's tab 'Onderaanneming'. Nothing
    is stored when a row of either is bad."""
    cfg.staff_member(entered_by)
    with uow:
        known = {code for (code,) in uow.session.execute(select(Provider.code))}
    items = parse_contract_sheet(path, cfg, known, source)
    if (
        subcontracts is None
        and path.suffix.lower() in (".xlsx", ".xlsm")
        and has_sheet(path, SUBCONTRACT_SHEET, REGISTER)
    ):
        subcontracts = path
    with uow:
        session = uow.session
        lock_register(session)  # a second import waits, then checks against this one
        result = _store_contracts(session, cfg, items, entered_by, as_of, source or path.name)
        new = changed = 0
        if subcontracts is not None:
            session.flush()  # the lots just registered count for the checks below
            relations = parse_subcontract_sheet(subcontracts, cfg, session)
            new, changed = register_subcontracts(session, relations, entered_by, as_of)
            session.flush()
            check_relations(
                session,
                {(r.main_code, r.sub_code, r.lot, r.start_on): r.row for r in relations},
                subcontracts.name if subcontracts != path else (source or path.name),
            )
        uow.commit()
    return replace(result, subcontracts_new=new, subcontracts_changed=changed)
