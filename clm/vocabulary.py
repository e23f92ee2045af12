"""Closed vocabularies, once: the codes stored in the database (English) and the words staff
read (Dutch). Plain enums, so rules, services, forms and templates share them."""

from __future__ import annotations

from enum import StrEnum


class SignalKind(StrEnum):
    """The kinds of (threatening) non-compliance a signal reports (seed 004)."""

    QUALITY = "quality"
    CONTINUITY = "continuity"
    LAWFULNESS = "lawfulness"
    TIMELINESS = "timeliness"

    @property
    def label(self) -> str:
        return SIGNAL_LABELS[self]


SIGNAL_LABELS = {
    SignalKind.QUALITY: "kwaliteit",
    SignalKind.CONTINUITY: "continuïteit",
    SignalKind.LAWFULNESS: "rechtmatigheid",
    SignalKind.TIMELINESS: "tijdigheid",
}


def signal_label(kind: str) -> str:
    """The Dutch word for a stored signal kind (an unknown code is shown as it is)."""
    try:
        return SignalKind(kind).label
    except ValueError:
        return kind
