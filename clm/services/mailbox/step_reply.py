"""A reply to a step letter: an objection with its grounds is registered with the day it
reached the mailbox; one without grounds is asked for again; anything else is for the
contract manager.
"""

from __future__ import annotations

from collections.abc import Callable

from clm.errors import InvalidInput
from clm.rules.calendar import add_working_days
from clm.rules.config import RegionConfig
from clm.rules.escalation import STEPS
from clm.rules.replies import has_grounds, names_objection
from clm.rules.vocabulary import EventKind, InboundStatus
from clm.services.mailbox.replies import Action, Reply, ask_again, staff_post
from clm.services.objections import register_objection
from clm.storage.db import UnitOfWork
from clm.storage.models import EscalationStep


def step_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply) -> Action:
    """The reply to a step letter: an objection with grounds registered, else for the manager."""
    provider = reply.provider
    manager = provider.contract_manager
    with uow_factory() as uow:
        step = uow.session.get(EscalationStep, reply.subject_id)
        number = step.step
        objectionable = STEPS[number].objectionable
        objection_due = (
            add_working_days(step.taken_on, cfg.escalation.objection_working_days, cfg.calendar)
            if step.taken_on
            else None
        )
    if names_objection(reply.answer) and objectionable and not has_grounds(reply.answer):
        return ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.OBJECTION,
            f"trede {number} van de escalatieladder",
            "u schrijft dat u bezwaar maakt, maar niet waarom.",
            "Stuur uw bezwaar opnieuw als antwoord op deze mail, met de gronden: wat is er "
            "volgens u onjuist aan de maatregel, en waarom.",
            manager,
            objection_due,
        )
    if names_objection(reply.answer) and objectionable:
        try:
            registered = register_objection(
                uow_factory(),
                cfg,
                reply.subject_id,
                reply.received,
                reply.answer[:4000],
                reply.by[:50],
                reply.as_of,
            )
        except InvalidInput as error:
            return Action(
                InboundStatus.DONE,
                f"Bezwaar tegen trede {number} niet geregistreerd: "
                f"{error.problems[0].message}; op de werkvoorraad",
                [staff_post(manager, provider, f"trede {number}", reply)],
            )
        return Action(
            InboundStatus.DONE,
            f"Bezwaar tegen trede {number} geregistreerd, ontvangen {reply.received:%d-%m-%Y} "
            f"({'binnen' if registered.in_time else 'na'} de termijn)",
            [staff_post(manager, provider, f"het bezwaar tegen trede {number}", reply)],
        )
    return Action(
        InboundStatus.DONE,
        f"Post over trede {number}; op de werkvoorraad van de contractmanager",
        [staff_post(manager, provider, f"trede {number}", reply)],
    )
