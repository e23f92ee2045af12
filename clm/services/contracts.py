"""The contract register: lots with their terms and option years, read from a sheet; the
decision on an option year; the reminder before it in the one sweep; step 7 acting on it.

Seed 004, step 7: "SDFL verlengt de overeenkomst voor optiejaren niet of ontbindt per direct
de overeenkomst ingeval van vastgestelde fraude of ernstige misstanden."
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.documents.tabular import REGISTER, ProblemCollector, has_sheet, read_table
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig, Role
from clm.rules.contracts import Term, default_decide_by, next_term_end, outlook_end, term_text
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.inputs import sheet_date
from clm.rules.vocabulary import ContractStatus, EventKind
from clm.services.common import provider_by_code
from clm.services.deadlines import KindRules, close_deadlines, set_deadline
from clm.services.register_rules import check_relations, check_terms, lock_register
from clm.services.subcontracting import SHEET as SUBCONTRACT_SHEET
from clm.services.subcontracting import parse_subcontract_sheet, register_subcontracts
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Contract, Deadline, DossierEvent, Provider
from clm.storage.notify import mail_with_event

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


def term_of(contract: Contract) -> Term:
    """The contract as the pure rules see it."""
    return Term(
        lot=contract.lot,
        agreement=contract.agreement,
        start_on=contract.start_on,
        end_on=contract.end_on,
        option_years=contract.option_years,
        decide_by=contract.decide_by,
        status=ContractStatus(contract.status),
        ended_on=contract.ended_on,
    )


def _plan_decision(session: Session, cfg: RegionConfig, contract: Contract, owner: str) -> None:
    """The option decision as a deadline while one is open; closed once there is none."""
    if term_of(contract).awaits_decision():
        set_deadline(
            session,
            DeadlineKind.OPTION_DECISION,
            Subject.CONTRACT,
            contract.id,
            contract.decide_by,  # type: ignore[arg-type]
            provider_id=contract.provider_id,
            owner=owner,
            remind_before=cfg.contracts.option_reminder_working_days,
        )
    else:
        close_deadlines(
            session,
            Subject.CONTRACT,
            [contract.id],
            contract.updated_on,
            [DeadlineKind.OPTION_DECISION],
        )


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
        _plan_decision(session, cfg, row, provider.contract_manager)
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


# -- the decision on an option year --------------------------------------------------------


@dataclass(frozen=True)
class OptionDecision:
    """What a decision did, per lot, in words for the receipt."""

    provider: str
    lines: tuple[str, ...]
    mailed: bool


def decide_option_year(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    lot: str,
    extend: bool,
    decided_by: str,
    remark: str,
    as_of: date,
) -> OptionDecision:
    """Take up the next option year of the provider's lot (``lot`` empty: every lot that
    awaits a decision), or not. The provider is told by mail; the decision and the new term
    are in the dossier. Deciding the same way again on the same day changes nothing."""
    cfg.staff_member(decided_by)
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        query = select(Contract).where(Contract.provider_id == provider.id)
        if lot.strip():
            query = query.where(Contract.lot == lot.strip().upper())
        contracts = session.scalars(query.order_by(Contract.lot, Contract.start_on)).all()
        if not contracts:
            where = f"perceel {lot.strip().upper()} van " if lot.strip() else ""
            raise InvalidInput.one(
                "parameters",
                f"geen contract voor {where}{provider.name} in het register; lees het register "
                "eerst in (contracten-inlezen)",
                column="lot" if lot.strip() else "provider_code",
                title="Geen contract",
            )
        lock_register(session)
        word = "verlengd" if extend else "niet verlengd"
        keys = {
            c.id: f"option-decision:{c.id}:{as_of.isoformat()}:{int(extend)}" for c in contracts
        }
        opposite = {
            f"option-decision:{c.id}:{as_of.isoformat()}:{int(not extend)}": c for c in contracts
        }
        known = set(
            session.scalars(
                select(DossierEvent.key).where(DossierEvent.key.in_([*keys.values(), *opposite]))
            )
        )
        _refuse_against_state(contracts, opposite, known, extend, as_of)
        # a lot decided today the same way is a rerun: it is not moved a second year
        already = [c for c in contracts if keys[c.id] in known]
        waiting = [c for c in contracts if term_of(c).awaits_decision() and keys[c.id] not in known]
        # an option year extends a running term; a term that ended is over
        open_ones = [c for c in waiting if term_of(c).last_day() >= as_of]
        lapsed = [c for c in waiting if term_of(c).last_day() < as_of]
        if lapsed and not open_ones:
            raise InvalidInput(
                [
                    InputProblem(
                        "parameters",
                        f"de looptijd van {c.lot} ({c.agreement}) eindigde op "
                        f"{term_of(c).last_day():%d-%m-%Y}; over een optiejaar wordt besloten "
                        "zolang het contract loopt, dit contract is afgelopen",
                        column="lot",
                    )
                    for c in lapsed
                ],
                "Besluit geweigerd, er is niets vastgelegd",
            )
        if already and not open_ones:
            return OptionDecision(
                provider.name,
                tuple(
                    f"{term_text(term_of(c), as_of)} (al {word} op {as_of:%d-%m-%Y})"
                    for c in already
                ),
                False,
            )
        if not open_ones:
            lines = "; ".join(term_text(term_of(c), as_of) for c in contracts)
            raise InvalidInput.one(
                "parameters",
                f"er wacht geen besluit over een optiejaar: {lines}",
                column="lot",
                title="Geen optiejaar open",
            )
        lines = []
        for contract in open_ones:
            before = contract.end_on
            if extend:
                contract.end_on = next_term_end(before)
                contract.option_years -= 1
                contract.decide_by = (
                    default_decide_by(contract.end_on, cfg.contracts.option_decision_months)
                    if contract.option_years > 0
                    else None
                )
                line = (
                    f"{contract.lot}: optiejaar gelicht, looptijd nu t/m {contract.end_on:%d-%m-%Y}"
                )
            else:
                contract.status = ContractStatus.NOT_RENEWED
                contract.end_reason = remark.strip() or "optiejaar niet gelicht"
                line = (
                    f"{contract.lot}: optiejaar niet gelicht, het contract eindigt op "
                    f"{before:%d-%m-%Y}"
                )
            contract.updated_on = as_of
            _plan_decision(session, cfg, contract, provider.contract_manager)
            record_event(
                session,
                key=keys[contract.id],
                provider_id=provider.id,
                kind=EventKind.OPTION_DECISION,
                actor=decided_by,
                as_of=as_of,
                summary=f"Besluit optiejaar {contract.lot} ({contract.agreement}): {line}"
                + (f" – {remark.strip()}" if remark.strip() else ""),
            )
            lines.append(line)
        manager = cfg.staff_by_key.get(provider.contract_manager)
        mail_with_event(
            session,
            cfg,
            key=f"option-letter:{provider.code}:{as_of.isoformat()}:{int(extend)}:"
            + ",".join(str(c.id) for c in open_ones),
            template="option_decision",
            context={
                "region": cfg.region,
                "provider": provider,
                "extend": extend,
                "contracts": [term_of(c) for c in open_ones],
                "remark": remark.strip(),
                "manager": manager,
                "as_of": as_of,
            },
            to=[provider.board_email or provider.contact_email],
            cc=[provider.contact_email] + ([manager.email] if manager else []),
            subject=f"Besluit over het optiejaar – {provider.name}",
            provider_id=provider.id,
            kind=EventKind.LETTER,
            actor=decided_by,
            as_of=as_of,
            summary=f"Brief over het optiejaar ({word})",
        )
        uow.commit()
    return OptionDecision(provider.name, tuple(lines), True)


def _refuse_against_state(
    contracts: list[Contract],
    opposite: dict[str, Contract],
    known: set[str],
    extend: bool,
    as_of: date,
) -> None:
    """A decision is checked against what holds on its date: an option year is decided
    while the term runs, and not the other way round on the day it was decided one way
    (the provider would get two letters that contradict each other)."""
    problems = []
    for key, contract in opposite.items():
        if key in known:
            earlier = "het optiejaar gelicht" if not extend else "het optiejaar niet gelicht"
            problems.append(
                InputProblem(
                    "parameters",
                    f"voor {contract.lot} ({contract.agreement}) is vandaag al besloten: "
                    f"{earlier}, en de aanbieder heeft die brief; een tegengesteld besluit op "
                    "dezelfde dag wordt niet uitgevoerd. Is het eerste besluit onjuist, neem "
                    "dan contact op met contractbeheer om het te herstellen",
                    column="extend",
                )
            )
    if problems:
        raise InvalidInput(problems, "Besluit geweigerd, er is niets vastgelegd")


# -- the sweep: reminders before the decision, a notice when it passed ----------------------


def _option_subject(session: Session, deadline: Deadline) -> tuple[Contract, Provider] | None:
    contract = session.get(Contract, deadline.subject_id)
    if contract is None or not term_of(contract).awaits_decision():
        return None
    return contract, session.get(Provider, contract.provider_id)


def _option_mail(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Contract, Provider],
    as_of: date,
    offset: int | None,
) -> None:
    contract, provider = subject
    manager = cfg.staff_by_key.get(deadline.owner) or cfg.staff_by_key.get(
        provider.contract_manager
    )
    admins = [s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    overdue = offset is None
    mail_with_event(
        session,
        cfg,
        key=f"option:{contract.id}:{contract.decide_by}:"
        + ("overdue" if overdue else f"reminder:{offset}"),
        template="option_reminder",
        context={
            "provider": provider,
            "contract": term_of(contract),
            "overdue": overdue,
            "region": cfg.region,
            "manager": manager,
        },
        to=[manager.email] if manager else admins,
        cc=admins if manager else [],
        subject=(
            f"Termijn verstreken: besluit optiejaar {contract.lot} {provider.name}"
            if overdue
            else f"Besluit optiejaar {contract.lot} {provider.name} uiterlijk "
            f"{dutch_date(contract.decide_by)}"  # type: ignore[arg-type]
        ),
        provider_id=provider.id,
        kind=EventKind.OPTION_REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=(
            f"Besluit over het optiejaar {contract.lot} niet genomen vóór "
            f"{contract.decide_by:%d-%m-%Y}"
            if overdue
            else f"Herinnering besluit optiejaar {contract.lot} ({offset} werkdagen vooraf)"
        ),
    )


OPTION_RULES = KindRules(
    load=_option_subject,
    remind=lambda s, cfg, d, subj, offset, as_of: _option_mail(s, cfg, d, subj, as_of, offset),
    lapse=lambda s, cfg, d, subj, as_of: _option_mail(s, cfg, d, subj, as_of, None) or True,
    several_reminders=True,
    reminder_days=lambda cfg: max(cfg.contracts.option_reminder_working_days, default=0),
    key_prefixes=("option:",),
)


# -- step 7 ---------------------------------------------------------------------------------


def end_contracts(
    session: Session,
    provider: Provider,
    *,
    dissolve_on: date | None,
    step_id: int,
    actor: str,
    as_of: date,
) -> list[Term]:
    """Step 7 acts on the register: without ``dissolve_on`` no further option year is taken
    (each running lot ends at the end of its term); with it every running lot ends on that
    day. Returns the terms as they now stand, for the letter."""
    why = f"escalatie trede 7 (#{step_id})"
    changed: list[Term] = []
    for contract in session.scalars(
        select(Contract)
        .where(
            Contract.provider_id == provider.id,
            Contract.status == ContractStatus.ACTIVE,
        )
        .order_by(Contract.lot)
    ):
        if term_of(contract).last_day() < as_of:
            continue  # a term that already ended is not touched
        if dissolve_on is not None and dissolve_on <= term_of(contract).last_day():
            contract.status = ContractStatus.DISSOLVED
            contract.ended_on = max(dissolve_on, contract.start_on)
        else:
            # not renewed; a term that ends before the dissolution date ends with its term
            contract.status = ContractStatus.NOT_RENEWED
        contract.end_reason = why
        contract.updated_on = as_of
        close_deadlines(
            session, Subject.CONTRACT, [contract.id], as_of, [DeadlineKind.OPTION_DECISION]
        )
        term = term_of(contract)
        record_event(
            session,
            key=f"contract-ended:{contract.id}:{step_id}",
            provider_id=provider.id,
            kind=EventKind.CONTRACT_ENDED,
            actor=actor,
            as_of=as_of,
            summary=f"{term_text(term, as_of)} ({why})",
        )
        changed.append(term)
    return changed


def restore_contracts(
    session: Session, cfg: RegionConfig, provider: Provider, step_id: int, actor: str, as_of: date
) -> int:
    """Undo :func:`end_contracts` for a step 7 that was withdrawn: the lots it ended run on,
    and their option decisions are planned again."""
    why = f"escalatie trede 7 (#{step_id})"
    count = 0
    for contract in session.scalars(
        select(Contract).where(Contract.provider_id == provider.id, Contract.end_reason == why)
    ):
        contract.status, contract.ended_on, contract.end_reason = ContractStatus.ACTIVE, None, ""
        contract.updated_on = as_of
        _plan_decision(session, cfg, contract, provider.contract_manager)
        record_event(
            session,
            key=f"contract-restored:{contract.id}:{step_id}",
            provider_id=provider.id,
            kind=EventKind.CONTRACT_REGISTERED,
            actor=actor,
            as_of=as_of,
            summary=f"Trede 7 ingetrokken: {term_text(term_of(contract), as_of)}",
        )
        count += 1
    return count


# -- what tables and the analysis show ------------------------------------------------------


def terms_by_provider(
    session: Session, provider_ids: Iterable[int] | None = None
) -> dict[int, list[Term]]:
    """Every provider's contracts, lot by lot."""
    query = select(Contract).order_by(Contract.provider_id, Contract.lot, Contract.start_on)
    if provider_ids is not None:
        query = query.where(Contract.provider_id.in_(list(provider_ids)))
    found: dict[int, list[Term]] = {}
    for contract in session.scalars(query):
        found.setdefault(contract.provider_id, []).append(term_of(contract))
    return found


def contract_outlook(session: Session, quarter: str, as_of: date) -> pd.DataFrame:
    """Option decisions and contract ends from today to two quarters after ``quarter``, and
    decisions already overdue: provider, lot, what, date (the regional analysis)."""
    until = outlook_end(quarter)
    rows = []
    for contract, code, name in session.execute(
        select(Contract, Provider.code, Provider.name)
        .join(Provider, Provider.id == Contract.provider_id)
        .order_by(Provider.code, Contract.lot)
    ):
        term = term_of(contract)
        if term.awaits_decision() and term.decide_by <= until:  # type: ignore[operator]
            late = term.decide_by < as_of  # type: ignore[operator]
            rows.append(
                (
                    code,
                    name,
                    term.lot,
                    "besluit optiejaar" + (" (te laat)" if late else ""),
                    term.decide_by,
                )
            )
        ends = term.last_day()
        if as_of - timedelta(days=1) <= ends <= until and not term.awaits_decision():
            what = {
                ContractStatus.DISSOLVED: "ontbonden",
                ContractStatus.NOT_RENEWED: "eindigt (niet verlengd)",
            }.get(term.status, "eindigt (geen optiejaren meer)")
            rows.append((code, name, term.lot, what, ends))
    frame = pd.DataFrame(rows, columns=["code", "name", "lot", "what", "on"])
    return frame.sort_values(["on", "code", "lot"], kind="stable").reset_index(drop=True)
