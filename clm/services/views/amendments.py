"""The amendments table: every amendment, newest first, with the providers' answers counted."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from clm.rules import labels
from clm.rules.amendments import ChangeKind
from clm.services.amendments import amendment_text
from clm.storage.db import UnitOfWork
from clm.storage.models import Amendment, AmendmentParty


def amendment_table(uow: UnitOfWork) -> pd.DataFrame:
    """Every amendment, newest first, with the answers counted (``labels.AMENDMENTS``)."""
    with uow:
        session = uow.session
        answers: dict[int, dict[str, int]] = {}
        for amendment_id, response, n in session.execute(
            select(AmendmentParty.amendment_id, AmendmentParty.response, func.count()).group_by(
                AmendmentParty.amendment_id, AmendmentParty.response
            )
        ):
            answers.setdefault(amendment_id, {})[response] = n
        rows = [
            {
                "id": a.id,
                "title": a.title,
                "kind": ChangeKind(a.change_kind).label,
                "status": amendment_text(a).partition(": ")[2],
                "proposed_on": a.proposed_on,
                "reaction_due": a.reaction_due,
                "effective_on": a.effective_on,
                "answers": _answers(answers.get(a.id, {})),
            }
            for a in session.scalars(select(Amendment).order_by(Amendment.id.desc()))
        ]
    return pd.DataFrame(rows, columns=list(labels.AMENDMENTS))


def _answers(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return (
        f"{total} geraadpleegd: {counts.get('agrees', 0)} akkoord, "
        f"{counts.get('objects', 0)} last, {counts.get('pending', 0)} geen reactie"
    )
