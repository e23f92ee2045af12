"""Use cases of the escalation ladder, one concern per module: request (a step asked for,
checked against the ladder and its date), approval (the second person's decision from step 3, a
request that lapses), take (the step taken: letter, terms, dossier), close (an escalation
ended). Objections, reminders and signals live in their own modules beside these."""

from clm.rules.commands import StepRequest  # the request the use cases take

from .approval import approval_context, decide_step, lapse_step, set_approval_run, step_status
from .close import close_escalation
from .request import request_step
from .take import regional_revenue

__all__ = [
    "StepRequest",
    "approval_context",
    "close_escalation",
    "decide_step",
    "lapse_step",
    "regional_revenue",
    "request_step",
    "set_approval_run",
    "step_status",
]
