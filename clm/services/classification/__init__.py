"""Use cases of the yearly classification, one concern per module: compute (the scores and
categories from the year's figures), store (a computation stored, with its letters), override (a
category decided by staff, and escalation step 1's extra meetings), letters (the dossier event
and letter of a (re)classification, with its meeting dates)."""

from clm.rules.commands import ReferencePeriod  # the period the use cases take

from .compute import compute_classification
from .letters import letter_meetings, meeting_dates
from .override import override_category, raise_contact_frequency
from .store import StoreSummary, store_classification

__all__ = [
    "ReferencePeriod",
    "StoreSummary",
    "compute_classification",
    "letter_meetings",
    "meeting_dates",
    "override_category",
    "raise_contact_frequency",
    "store_classification",
]
