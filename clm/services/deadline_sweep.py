"""The daily sweep over every open deadline: the rules of each kind, gathered from the
capability it belongs to, in one pass (``clm.services.deadlines.sweep``)."""

from __future__ import annotations

from datetime import date

from clm.rules.config import RegionConfig
from clm.rules.deadlines import STEP_TERMS, DeadlineKind
from clm.services.actions import ACTION_RULES
from clm.services.admission import ADMISSION_RULES
from clm.services.amendments import AMENDMENT_RULES
from clm.services.contracts import OPTION_RULES
from clm.services.deadlines import KindRules, sweep
from clm.services.escalation_terms import STEP_TERM_RULES
from clm.services.followup import DATA_RULES
from clm.services.minutes import MINUTES_SHARED_RULES, REACTION_RULES
from clm.services.objections import DIRECTOR_TALK_RULES
from clm.storage.db import UnitOfWork

RULES: dict[DeadlineKind, KindRules] = {
    DeadlineKind.DATA: DATA_RULES,
    DeadlineKind.REACTION: REACTION_RULES,
    DeadlineKind.MINUTES_SHARED: MINUTES_SHARED_RULES,
    DeadlineKind.ACTION: ACTION_RULES,
    **STEP_TERM_RULES,
    DeadlineKind.ADMISSION: ADMISSION_RULES,
    DeadlineKind.DIRECTOR_TALK: DIRECTOR_TALK_RULES,
    DeadlineKind.OPTION_DECISION: OPTION_RULES,
    DeadlineKind.AMENDMENT_REACTION: AMENDMENT_RULES,
}

_SILENT = (DeadlineKind.REVIEW, DeadlineKind.OBJECTION)  # their lapse sends nothing


def sweep_deadlines(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> dict[str, int]:
    """Remind and lapse every deadline due by ``as_of``; the counts the run reports."""
    count = sweep(uow, cfg, as_of, RULES)
    data = count.of(DeadlineKind.DATA)
    actions = count.of(DeadlineKind.ACTION)
    admissions = count.of(DeadlineKind.ADMISSION)
    talks = count.of(DeadlineKind.DIRECTOR_TALK)
    options = count.of(DeadlineKind.OPTION_DECISION)
    return {
        "reminders": data[0],
        "signals": data[1],
        "minutes_finalised": count.of(DeadlineKind.REACTION)[1],
        "minutes_late": count.of(DeadlineKind.MINUTES_SHARED)[1],
        "action_reminders": actions[0],
        "actions_overdue": actions[1],
        "escalation_reminders": count.of(*STEP_TERMS)[0],
        "escalation_signals": sum(
            n for k, n in count.lapsed.items() if k in STEP_TERMS and k not in _SILENT
        ),
        "admission_reminders": admissions[0],
        "admissions_overdue": admissions[1],
        "director_talk_reminders": talks[0],
        "director_talks_overdue": talks[1],
        "option_reminders": options[0],
        "options_overdue": options[1],
        "amendments_decided": count.of(DeadlineKind.AMENDMENT_REACTION)[1],
    }
