"""The register of subcontracting: read from a sheet (checked whole, ambiguity refused),
and what it does to the figures: a subcontractor's declarations count for its main
contractor (``count_for_main``), a subcontractor without a contract of its own is not
classified or met (``subcontractor_only``), and its share is shown apart (``shares``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from sqlalchemy import Float, cast, func, or_, select
from sqlalchemy.orm import Session

from clm.documents.tabular import REGISTER, ProblemCollector, read_table
from clm.numbers import format_euro
from clm.rules.config import RegionConfig
from clm.rules.inputs import sheet_date
from clm.rules.subcontracting import RELATION_COLUMNS, DeclarationsTo, assign_to_main
from clm.rules.vocabulary import ContractStatus, EventKind
from clm.storage.dossier import record_event
from clm.storage.models import Contract, Declaration, Provider, Subcontract

SHEET = "Onderaanneming"
COLUMNS: dict[str, tuple[str, ...]] = {
    "main_code": ("main_code", "hoofdaannemer", "agb hoofdaannemer", "agb-code hoofdaannemer"),
    "sub_code": ("sub_code", "onderaannemer", "agb onderaannemer", "agb-code onderaannemer"),
    "lot": ("lot", "perceel", "zorgvorm"),
    "start_on": ("start_on", "vanaf", "ingangsdatum", "begindatum"),
    "end_on": ("end_on", "tot en met", "t/m", "einddatum"),
    "declarations_to": ("declarations_to", "declaraties", "declaraties naar"),
}
_TO = {"hoofdaannemer": DeclarationsTo.MAIN, "eigen contract": DeclarationsTo.OWN,
       "main": DeclarationsTo.MAIN, "own": DeclarationsTo.OWN}  # fmt: skip


@dataclass(frozen=True)
class SubcontractInput:
    main_code: str
    sub_code: str
    lot: str
    start_on: date
    end_on: date | None
    declarations_to: DeclarationsTo | None  # None: not stated (refused when ambiguous)
    row: int


def parse_subcontract_sheet(
    path: Path, cfg: RegionConfig, session: Session, source: str | None = None
) -> list[SubcontractInput]:
    """Read and check the subcontracting sheet (CSV, or the tab 'Onderaanneming'); every
    problem names its row and column. Refused as ambiguous: a subcontractor with a contract
    of its own for the lot when the sheet does not say where its declarations go, and one
    subcontractor working for two main contractors on one lot at the same time."""
    source = source or path.name
    table = read_table(
        path,
        COLUMNS,
        sheet=SHEET,
        source=source,
        optional=("end_on", "declarations_to"),
        bounds=REGISTER,
    )
    problems = ProblemCollector(source, table.attrs["headers"])
    providers = {
        p.code: p for p in session.scalars(select(Provider).where(Provider.active.is_(True)))
    }
    lots = sorted(cfg.care_type_codes)
    items: list[SubcontractInput] = []
    spans: dict[tuple[str, str], list[tuple[date, date, str, int]]] = {}
    for values in table.to_dict("records"):
        record = SimpleNamespace(**values)
        row = int(values["_row"])
        ok = True

        def bad(column: str, message: str, row: int = row) -> None:
            nonlocal ok
            ok = False
            problems.add(pd.Series([row]), column, message)

        for column in ("main_code", "sub_code"):
            code = getattr(record, column)
            if not (len(code) == 8 and code.isascii() and code.isdigit()):
                bad(column, "geen geldige AGB-code (8 cijfers)")
            elif code not in providers:
                bad(column, f"onbekende aanbieder '{code}' (niet in het register)")
        if record.main_code == record.sub_code and ok:
            bad("sub_code", "hoofdaannemer en onderaannemer zijn dezelfde aanbieder")
        lot = record.lot.upper()
        if lot not in lots:
            bad("lot", f"onbekend perceel (bekend zijn: {', '.join(lots)})")
        start = end = None
        try:
            start = sheet_date(record.start_on) if record.start_on else None
            if start is None:
                bad("start_on", "datum ontbreekt")
        except ValueError as exc:
            bad("start_on", str(exc))
        if record.end_on:
            try:
                end = sheet_date(record.end_on)
            except ValueError as exc:
                bad("end_on", str(exc))
        if start and end and end < start:
            bad("end_on", "einddatum ligt vóór de ingangsdatum")
        to = None
        if record.declarations_to:
            to = _TO.get(record.declarations_to.strip().lower())
            if to is None:
                bad("declarations_to", "vul 'hoofdaannemer' of 'eigen contract' in")
        if not ok or start is None:
            continue
        main, sub = providers[record.main_code], providers[record.sub_code]
        main_lots = {c.strip() for c in main.care_types.split(",") if c.strip()}
        if lot not in main_lots:
            bad("lot", f"{main.name} ({main.code}) heeft geen contract voor perceel {lot}")
        own = session.scalar(
            select(func.count()).where(
                Contract.provider_id == sub.id,
                Contract.lot == lot,
                Contract.status != ContractStatus.DISSOLVED,
                Contract.start_on <= (end or date.max),
                Contract.end_on >= start,
            )
        )
        if own and to is None:
            bad("declarations_to", f"{sub.name} ({sub.code}) heeft ook een eigen contract "
                f"voor {lot}; vul in of de declaraties naar de hoofdaannemer of naar het eigen "
                "contract gaan")  # fmt: skip
        key = (sub.code, lot)
        for other_start, other_end, other_main, other_row in spans.get(key, []):
            if (
                start <= other_end
                and other_start <= (end or date.max)
                and (other_main != main.code)
            ):
                bad("sub_code", f"werkt voor perceel {lot} in dezelfde periode ook voor een "
                    f"andere hoofdaannemer (regel {other_row}): bij wie de declaraties horen is "
                    "niet te bepalen")  # fmt: skip
        spans.setdefault(key, []).append((start, end or date.max, main.code, row))
        if ok:
            items.append(
                SubcontractInput(
                    main.code, sub.code, lot, start, end, to or DeclarationsTo.MAIN, row
                )  # fmt: skip
            )
    problems.raise_if_any(f"Onderaanneming {source} afgekeurd, er is niets opgeslagen")
    return items


def register_subcontracts(
    session: Session, items: list[SubcontractInput], entered_by: str, as_of: date
) -> tuple[int, int]:
    """Store the relations in the caller's transaction; (new, changed). A relation is known
    by main, sub, lot and start; the main contractor's and the subcontractor's dossiers both
    record it."""
    ids = dict(session.execute(select(Provider.code, Provider.id)).all())
    names = dict(session.execute(select(Provider.code, Provider.name)).all())
    new = changed = 0
    for item in items:
        row = session.scalar(
            select(Subcontract).where(
                Subcontract.main_provider_id == ids[item.main_code],
                Subcontract.sub_provider_id == ids[item.sub_code],
                Subcontract.lot == item.lot,
                Subcontract.start_on == item.start_on,
            )
        )
        to = item.declarations_to or DeclarationsTo.MAIN
        if row is not None and (row.end_on, row.declarations_to) == (item.end_on, to):
            continue
        if row is None:
            row = Subcontract(
                main_provider_id=ids[item.main_code],
                sub_provider_id=ids[item.sub_code],
                lot=item.lot,
                start_on=item.start_on,
            )
            session.add(row)
            new += 1
        else:
            changed += 1
        row.end_on, row.declarations_to, row.updated_on = item.end_on, to, as_of
        session.flush()
        for key in [k for k in session.info if isinstance(k, tuple) and k[0] == RELATIONS_CACHE]:
            del session.info[key]  # the relations changed in this unit of work
        until = f" t/m {item.end_on:%d-%m-%Y}" if item.end_on else ""
        text = (
            f"{names[item.sub_code]} ({item.sub_code}) onderaannemer van {names[item.main_code]} "
            f"({item.main_code}) voor {item.lot}, vanaf {item.start_on:%d-%m-%Y}{until}; "
            f"declaraties naar {DeclarationsTo(to).label}"
        )
        for code in (item.main_code, item.sub_code):
            record_event(
                session,
                key=f"subcontract:{row.id}:{code}:{item.end_on}:{to}",
                provider_id=ids[code],
                kind=EventKind.CONTRACT_REGISTERED,
                actor=entered_by,
                as_of=as_of,
                summary=f"Onderaanneming vastgelegd: {text}",
            )
    return new, changed


RELATIONS_CACHE = "subcontract-relations"


def relations(session: Session, start: date, end: date) -> pd.DataFrame:
    """The relations that overlap ``start``..``end`` (RELATION_COLUMNS), read once per unit
    of work and period (a preparation asks for every provider)."""
    key = (RELATIONS_CACHE, start, end)
    if key not in session.info:
        session.info[key] = _relations(session, start, end)
    return session.info[key].copy()


def _relations(session: Session, start: date, end: date) -> pd.DataFrame:
    rows = session.execute(
        select(
            Subcontract.main_provider_id,
            Subcontract.sub_provider_id,
            Subcontract.lot,
            Subcontract.start_on,
            Subcontract.end_on,
            Subcontract.declarations_to,
        ).where(
            Subcontract.start_on <= end,
            or_(Subcontract.end_on.is_(None), Subcontract.end_on >= start),
        )
    ).all()
    return pd.DataFrame(rows, columns=RELATION_COLUMNS)


def _sub_detail(session: Session, sub_ids: list[int], start: date, end: date) -> pd.DataFrame:
    return pd.read_sql(
        select(
            Declaration.provider_id,
            Declaration.care_type,
            Declaration.period,
            Declaration.client_ref,
            Declaration.municipality_code,
            func.sum(cast(Declaration.amount, Float)).label("amount"),
        )
        .where(Declaration.period.between(start, end), Declaration.provider_id.in_(sub_ids))
        .group_by(
            Declaration.provider_id,
            Declaration.care_type,
            Declaration.period,
            Declaration.client_ref,
            Declaration.municipality_code,
        ),
        session.connection(),
    )


def count_for_main(
    session: Session, frame: pd.DataFrame, start: date, end: date, by: list[str]
) -> pd.DataFrame:
    """``frame`` (provider_id, ``by`` columns, amount: the declarations summed) with the
    subcontractors' rows replaced by their declarations per lot and month, moved to the main
    contractor where a relation covers them, and summed again by provider_id and ``by``."""
    rel = relations(session, start, end)
    to_main = rel[rel["declarations_to"] == DeclarationsTo.MAIN]
    if to_main.empty or frame.empty:
        return frame
    sub_ids = sorted({int(i) for i in to_main["sub_id"]})
    detail = assign_to_main(_sub_detail(session, sub_ids, start, end), to_main)
    kept = frame[~frame["provider_id"].isin(sub_ids)]
    moved = detail.groupby(["provider_id", *by], as_index=False)["amount"].sum()
    return pd.concat([kept, moved[kept.columns]], ignore_index=True)


def subcontractor_only(session: Session, start: date, end: date) -> set[int]:
    """Subcontractors whose declarations go to a main contractor and that hold no contract of
    their own in the period: the main contractor is classified, met and written to instead."""
    rel = relations(session, start, end)
    subs = {int(i) for i in rel.loc[rel["declarations_to"] == DeclarationsTo.MAIN, "sub_id"]}
    if not subs:
        return set()
    own = set(
        session.scalars(
            select(Contract.provider_id).where(
                Contract.provider_id.in_(subs),
                Contract.start_on <= end,
                Contract.end_on >= start,
                Contract.status != ContractStatus.DISSOLVED,
            )
        )
    )
    return subs - own


def shares(session: Session, start: date, end: date) -> pd.DataFrame:
    """Per main contractor and subcontractor: clients and revenue declared through the
    subcontractor in ``start``..``end``, and its share of the main contractor's revenue."""
    rel = relations(session, start, end)
    to_main = rel[rel["declarations_to"] == DeclarationsTo.MAIN]
    columns = ["main_id", "sub_id", "lot", "clients", "revenue", "share"]
    if to_main.empty:
        return pd.DataFrame(columns=columns)
    sub_ids = sorted({int(i) for i in to_main["sub_id"]})
    detail = assign_to_main(_sub_detail(session, sub_ids, start, end), to_main)
    via = detail[detail["via"].notna()].rename(columns={"provider_id": "main_id"})
    if via.empty:
        return pd.DataFrame(columns=columns)
    via["sub_id"] = via["via"].astype("int64")
    grouped = via.groupby(["main_id", "sub_id", "care_type"], as_index=False).agg(
        clients=("client_ref", "nunique"), revenue=("amount", "sum")
    )
    mains = [int(i) for i in grouped["main_id"].unique()]
    own = dict(
        session.execute(
            select(Declaration.provider_id, func.sum(cast(Declaration.amount, Float)))
            .where(Declaration.period.between(start, end), Declaration.provider_id.in_(mains))
            .group_by(Declaration.provider_id)
        ).all()
    )
    total = grouped.groupby("main_id")["revenue"].transform("sum") + grouped["main_id"].map(
        lambda m: float(own.get(int(m), 0) or 0)
    )
    grouped["share"] = (grouped["revenue"] / total).where(total > 0)
    return grouped.rename(columns={"care_type": "lot"})[columns]


def share_lines(session: Session, main_id: int, start: date, end: date) -> list[str]:
    """The main contractor's subcontractors in words, for its agenda: 'Jeugdhulp Zuid
    (12345678), AMB: 14 cliënten, € 48.200,00 (23% van de omzet)'."""
    frame = shares(session, start, end)
    frame = frame[frame["main_id"] == main_id]
    if frame.empty:
        return []
    subs = {
        pid: (code, name)
        for pid, code, name in session.execute(
            select(Provider.id, Provider.code, Provider.name).where(
                Provider.id.in_(frame["sub_id"].tolist())
            )
        )
    }
    return [
        f"{subs[r.sub_id][1]} ({subs[r.sub_id][0]}), {r.lot}: {int(r.clients)} cliënten, "
        f"{format_euro(r.revenue)}"
        + ("" if pd.isna(r.share) else f" ({r.share * 100:.0f}% van de omzet)")
        for r in frame.itertuples()
    ]


def subcontractor_codes(session: Session) -> dict[str, set[str]]:
    """Per main contractor's AGB code, the AGB codes of every subcontractor it has had: the
    rows 'kpi@AGB' its data sheet may hold."""
    main = Provider.__table__.alias("main")
    sub = Provider.__table__.alias("sub")
    found: dict[str, set[str]] = {}
    for main_code, sub_code in session.execute(
        select(main.c.code, sub.c.code)
        .select_from(Subcontract)
        .join(main, main.c.id == Subcontract.main_provider_id)
        .join(sub, sub.c.id == Subcontract.sub_provider_id)
    ):
        found.setdefault(main_code, set()).add(sub_code)
    return found


def subcontractors_of(
    session: Session, main_id: int, start: date, end: date
) -> tuple[tuple[str, str], ...]:
    """The main contractor's subcontractors in ``start``..``end`` as (AGB code, name), for
    the rows of its data sheet."""
    rel = relations(session, start, end)
    ids = sorted({int(i) for i in rel.loc[rel["main_id"] == main_id, "sub_id"]})
    if not ids:
        return ()
    return tuple(
        session.execute(
            select(Provider.code, Provider.name).where(Provider.id.in_(ids)).order_by(Provider.code)
        ).all()
    )


def main_contractor_of(session: Session, provider_id: int, as_of: date) -> Provider | None:
    """The main contractor that answers for this provider on ``as_of``, when the provider
    is a subcontractor without a contract of its own; else None."""
    if provider_id not in subcontractor_only(session, as_of, as_of):
        return None
    rel = relations(session, as_of, as_of)
    main_id = rel.loc[rel["sub_id"] == provider_id, "main_id"].iloc[0]
    return session.get(Provider, int(main_id))
