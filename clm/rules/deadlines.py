"""Deadlines as rows: what kinds there are, and when one calls for a reminder or has lapsed.

DESIGN: "a deadline is a row, one sweep finds what is due". Every term the process sets (data
for a meeting, minutes within two weeks, the reaction week, an action's deadline, the terms of
an escalation step, the assessment of an application) is one row of ``deadlines``: what it
belongs to, its kind, its due date, who must act, the reminders before it and whether they
went out, whether it lapsed and whether it was closed. The rules here are plain functions of
dates; the sweep (``clm.services.deadlines``) applies them to the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import lru_cache

from clm.rules.calendar import working_days_before
from clm.rules.config import CalendarConfig


class Subject(StrEnum):
    """What a deadline belongs to."""

    MEETING = "meeting"
    MINUTES = "minutes"
    ACTION = "action"
    ESCALATION_STEP = "escalation_step"
    ADMISSION = "admission"
    OBJECTION = "objection"
    CONTRACT = "contract"
    AMENDMENT = "amendment"


class DeadlineKind(StrEnum):
    """The kinds of deadline; the sweep picks template and signal by kind."""

    DATA = "data"  # the provider's figures before a meeting (reminder after, then signal)
    MINUTES_SHARED = "minutes_shared"  # minutes shared within two weeks (seed 004)
    REACTION = "reaction"  # the provider's week to react; then the minutes are final
    ACTION = "action"  # an agreed action's deadline
    ANSWER = "answer_due"  # escalation step 1
    PLAN = "plan_due"  # step 2: the improvement plan
    REVIEW = "review_due"  # step 2: the region reviews the plan
    RECOVERY = "recovery_due"  # step 3: the recovery term after the notice of default
    OBJECTION = "objection_due"  # steps 3+: the provider's right to object
    ADMISSION = "admission"  # the assessment of an application to join (six months)
    DIRECTOR_TALK = "director_talk"  # the talk about an objection (the region's own term)
    OPTION_DECISION = "option_decision"  # the region decides on a lot's next option year
    AMENDMENT_REACTION = "amendment_reaction"  # the providers' term to react to an amendment


# The terms of an escalation step, in the order a letter names them.
STEP_TERMS = (
    DeadlineKind.ANSWER,
    DeadlineKind.PLAN,
    DeadlineKind.REVIEW,
    DeadlineKind.RECOVERY,
    DeadlineKind.OBJECTION,
)


@lru_cache(maxsize=4096)  # a sweep asks this for the same few due dates thousands of times
def reminder_day(due: date, working_days: int, cal: CalendarConfig) -> date:
    """The day a reminder ``working_days`` before ``due`` is due (0: the day itself)."""
    return working_days_before(due, working_days, cal) if working_days else due


def reminders_due(
    due: date, offsets: Iterable[int], sent: Iterable[int], as_of: date, cal: CalendarConfig
) -> list[int]:
    """The reminder offsets (working days before ``due``) whose day has come by ``as_of``
    and that did not go out yet; empty once the due date itself has passed."""
    if as_of > due:
        return []
    done = set(sent)
    return sorted(n for n in set(offsets) if n not in done and as_of >= reminder_day(due, n, cal))


def has_lapsed(due: date, as_of: date) -> bool:
    """A deadline lapses the day after its due date."""
    return as_of > due
