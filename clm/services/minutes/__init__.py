"""Use cases of the minutes, one concern per module: record (the draft and its actions), release
(to the provider, and the copy), reactions (the provider's answer, the week to react, final),
late (minutes not shared in time); document renders the PDF both release and final use."""

from .late import MINUTES_SHARED_RULES, signal_late_minutes
from .reactions import REACTION_RULES, finalise_due_minutes, register_reaction
from .record import record_minutes, record_minutes_sheet, write_template
from .release import release_minutes, send_copy

__all__ = [
    "MINUTES_SHARED_RULES",
    "REACTION_RULES",
    "finalise_due_minutes",
    "record_minutes",
    "record_minutes_sheet",
    "register_reaction",
    "release_minutes",
    "send_copy",
    "signal_late_minutes",
    "write_template",
]
