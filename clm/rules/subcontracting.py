"""Main contractors and subcontractors (seed 001: "de rol van hoofd- en onderaannemers"):
whose declarations count for whom.

A main contractor holds the contract and answers for the subcontractors it engages: a
subcontractor's declarations for a lot, in the period it works for the main contractor, count
for the main contractor (clients once, revenue and municipalities together). A subcontractor
that is also a provider in its own right keeps its own contract; the register says per
relation where its declarations go (``DeclarationsTo``).
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd


class DeclarationsTo(StrEnum):
    MAIN = "main"  # they count for the main contractor
    OWN = "own"  # they belong to the subcontractor's own contract

    @property
    def label(self) -> str:
        return {DeclarationsTo.MAIN: "hoofdaannemer", DeclarationsTo.OWN: "eigen contract"}[self]


RELATION_COLUMNS = ["main_id", "sub_id", "lot", "start_on", "end_on", "declarations_to"]


def assign_to_main(detail: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """``detail`` (provider_id, care_type, period, …) with each subcontractor's row moved to
    its main contractor where a relation covers the lot and the month: ``provider_id``
    becomes the main contractor's, ``via`` holds the subcontractor's id (else NA).

    The register refuses overlapping relations, so a row matches at most one; a row of a
    relation whose declarations go to the subcontractor's own contract stays where it is."""
    out = detail.reset_index(drop=True)
    out["via"] = pd.array([pd.NA] * len(out), dtype="Int64")
    rel = relations[relations["declarations_to"] == DeclarationsTo.MAIN]
    if out.empty or rel.empty:
        return out
    keyed = out.reset_index(drop=False).merge(
        rel, left_on=["provider_id", "care_type"], right_on=["sub_id", "lot"], how="inner"
    )
    month = pd.to_datetime(keyed["period"])
    start = pd.to_datetime(keyed["start_on"])
    end = pd.to_datetime(keyed["end_on"])
    # a month counts when it starts within the relation (declarations are per month)
    within = (month >= start.dt.to_period("M").dt.to_timestamp()) & (end.isna() | (month <= end))
    hit = keyed[within]
    index = hit["index"].to_numpy()
    out.loc[index, "via"] = hit["sub_id"].to_numpy()
    out.loc[index, "provider_id"] = hit["main_id"].to_numpy()
    return out
