"""The contract register's rules over what is stored and what comes in together.

A sheet is checked within itself when it is read (clm.services.contracts,
clm.services.subcontracting); these checks run after its rows are written in the same
transaction, over everything the register then holds, so that a second import cannot get
around a rule that one sheet could not break: no two terms of one provider and lot overlap;
a subcontractor works for one main contractor per lot at a time; and no main contractor is,
through any number of subcontracting links, its own subcontractor. A breach raises
:class:`InvalidInput` naming the sheet's row and what is stored; the caller's transaction is
then rolled back, so nothing is written. Writers of the register take turns
(:func:`lock_register`), so two imports at once cannot both pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from clm.errors import InputProblem, InvalidInput
from clm.rules.vocabulary import ContractStatus
from clm.storage.db import serialise
from clm.storage.models import Contract, Provider, Subcontract

REGISTER_LOCK = "contract-register"


def lock_register(session: Session) -> None:
    """Hold the register until the transaction ends: imports, option decisions and step 7
    take turns, each reading what the one before it committed."""
    serialise(session, REGISTER_LOCK)


def _span(contract: Contract) -> tuple[date, date]:
    ended = contract.ended_on if contract.status == ContractStatus.DISSOLVED else None
    return contract.start_on, min(contract.end_on, ended) if ended else contract.end_on


def check_terms(session: Session, rows: dict[tuple[str, str, str], int], source: str) -> None:
    """No two contracts of one provider and lot whose terms overlap, among everything the
    register holds now. ``rows``: (provider code, agreement, lot) → the sheet's row."""
    pairs = {(code, lot) for code, _, lot in rows}
    if not pairs:
        return
    found = session.execute(
        select(Contract, Provider.code)
        .join(Provider, Provider.id == Contract.provider_id)
        .where(tuple_(Provider.code, Contract.lot).in_(sorted(pairs)))
        .order_by(Contract.start_on, Contract.id)
    ).all()
    held: dict[tuple[str, str], list[Contract]] = defaultdict(list)
    for contract, code in found:
        held[code, contract.lot].append(contract)
    problems: list[InputProblem] = []
    for (code, lot), contracts in sorted(held.items()):
        for i, one in enumerate(contracts):
            for other in contracts[i + 1 :]:
                (s1, e1), (s2, e2) = _span(one), _span(other)
                if not (s1 <= e2 and s2 <= e1):
                    continue
                row = rows.get((code, one.agreement.casefold(), lot)) or rows.get(
                    (code, other.agreement.casefold(), lot)
                )
                stored = other if (code, one.agreement.casefold(), lot) in rows else one
                s, e = _span(stored)
                problems.append(
                    InputProblem(
                        source,
                        f"looptijd van {code} voor {lot} overlapt met overeenkomst "
                        f"'{stored.agreement}' ({s:%d-%m-%Y} t/m {e:%d-%m-%Y}) die al in het "
                        "register staat; één aanbieder heeft per perceel één looptijd tegelijk",
                        row=row,
                        column="ingangsdatum",
                    )
                )
    if problems:
        raise InvalidInput(problems, f"Contractregister {source} afgekeurd, er is niets opgeslagen")


def check_relations(
    session: Session, rows: dict[tuple[str, str, str, date], int], source: str
) -> None:
    """Among every subcontracting relation the register holds now: one main contractor per
    subcontractor, lot and period, and no cycle of any length (A for B and B for A, or
    through others) in a common period. ``rows``: (main, sub, lot, start) → the sheet's
    row, for the relations of the sheet being stored."""
    if not rows:
        return
    codes = dict(session.execute(select(Provider.id, Provider.code)).all())
    stored = session.scalars(select(Subcontract).order_by(Subcontract.start_on, Subcontract.id))
    # (main, sub, lot, start, end): open-ended relations run to date.max
    relations = [
        (codes[r.main_provider_id], codes[r.sub_provider_id], r.lot, r.start_on,
         r.end_on or date.max)
        for r in stored
    ]  # fmt: skip
    incoming = {(m, s, lot, start) for m, s, lot, start in rows}

    def row_of(*relations_: tuple) -> int | None:
        return next((rows[r[:4]] for r in relations_ if r[:4] in rows), None)

    problems: list[InputProblem] = []
    by_sub: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for relation in relations:
        by_sub[relation[1], relation[2]].append(relation)
    for (sub, lot), held in sorted(by_sub.items()):
        for i, one in enumerate(held):
            for other in held[i + 1 :]:
                if one[0] == other[0] or not (one[3] <= other[4] and other[3] <= one[4]):
                    continue
                if one[:4] not in incoming and other[:4] not in incoming:
                    continue  # both stored before: not this sheet's doing
                stored = other if one[:4] in incoming else one
                problems.append(
                    InputProblem(
                        source,
                        f"{sub} werkt voor perceel {lot} in dezelfde periode ook voor "
                        f"hoofdaannemer {stored[0]} (vanaf {stored[3]:%d-%m-%Y}, zo staat het "
                        "al in het register): bij wie de declaraties horen is niet te bepalen",
                        row=row_of(one, other),
                        column="onderaannemer",
                    )
                )
    for lot, cycle, day in _cycles(relations):
        if not any(r[:4] in incoming for r in cycle):
            continue
        path = " → ".join([c[0] for c in cycle] + [cycle[0][0]])
        problems.append(
            InputProblem(
                source,
                f"kringverband voor perceel {lot} op {day:%d-%m-%Y}: {path} (hoofdaannemer → "
                "onderaannemer); dan tellen ieders declaraties voor de ander",
                row=row_of(*cycle),
                column="onderaannemer",
            )
        )
    if problems:
        raise InvalidInput(problems, f"Onderaanneming {source} afgekeurd, er is niets opgeslagen")


def _cycles(relations: Iterable[tuple]) -> list[tuple[str, list[tuple], date]]:
    """Per lot, a cycle of main → sub links that all hold on one day (the first such day
    of each elementary period), once per set of links."""
    by_lot: dict[str, list[tuple]] = defaultdict(list)
    for relation in relations:
        by_lot[relation[2]].append(relation)
    found: list[tuple[str, list[tuple], date]] = []
    seen: set[frozenset] = set()
    for lot, links in sorted(by_lot.items()):
        # the links in force change only on a start or the day after an end
        days = sorted(
            {r[3] for r in links} | {r[4] + timedelta(1) for r in links if r[4] < date.max}
        )
        for day in days:
            active = [r for r in links if r[3] <= day <= r[4]]
            cycle = _a_cycle(active)
            if cycle and (key := frozenset(r[:4] for r in cycle)) not in seen:
                seen.add(key)
                found.append((lot, cycle, day))
    return found


def _a_cycle(links: list[tuple]) -> list[tuple] | None:
    """One cycle in the graph of ``links`` (main → sub), as its links in order; None."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for link in links:
        out[link[0]].append(link)
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[tuple] = []

    def visit(node: str) -> list[tuple] | None:
        state[node] = 1
        for link in out[node]:
            nxt = link[1]
            if state.get(nxt) == 1:
                start = next(i for i, p in enumerate(path) if p[0] == nxt) if path else 0
                return [*path[start:], link] if path and path[start][0] == nxt else [link]
            if nxt not in state:
                path.append(link)
                if found := visit(nxt):
                    return found
                path.pop()
        state[node] = 2
        return None

    for node in sorted(out):
        if node not in state and (found := visit(node)):
            return found
    return None
