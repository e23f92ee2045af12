"""What tables and the regional analysis show of the register."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.rules.contracts import Term, outlook_end
from clm.rules.vocabulary import ContractStatus
from clm.services.contracts.terms import term_of
from clm.storage.models import Contract, Provider


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
