"""Use cases of group contract management (seed 002, level 2), one concern per module: meeting
(the group meeting of a period found or opened), topics (proposals from both sides and the
candidates for the agenda), agenda (the final agenda and the invitation to every provider),
report (the report with its actions and action holders, followed up like those of individual
meetings).

Two or three times a year a meeting with all contracted providers of a lot (or of all lots). A
proposal to change the framework agreement (art. 8) is recorded as an outcome.
"""

from clm.rules.commands import GroupAction  # what record_report takes

from .agenda import CLOSING, OPENING, set_agenda
from .meeting import ensure_meeting, find_meeting, open_next
from .report import record_report
from .topics import Candidate, candidates, propose_topic

__all__ = [
    "GroupAction",
    "CLOSING",
    "Candidate",
    "OPENING",
    "candidates",
    "ensure_meeting",
    "find_meeting",
    "open_next",
    "propose_topic",
    "record_report",
    "set_agenda",
]
