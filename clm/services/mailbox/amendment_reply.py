"""A reply to an amendment proposal: 'akkoord' agrees, words of disadvantage with grounds
object; anything else, or an answer the term no longer admits, waits for the proposer.
"""

from __future__ import annotations

from collections.abc import Callable

from clm.errors import InvalidInput
from clm.rules.amendments import PartyResponse, read_reaction
from clm.rules.config import RegionConfig
from clm.rules.replies import has_grounds
from clm.rules.vocabulary import EventKind, InboundStatus
from clm.services.amendments import register_reaction as register_amendment_reaction
from clm.services.mailbox.replies import Action, Reply, ask_again, staff_post
from clm.storage.db import UnitOfWork
from clm.storage.models import Amendment


def amendment_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply
) -> Action:
    """'akkoord' agrees; words of disadvantage object (with the answer as the reason);
    anything else, or an answer the term no longer admits, waits for the proposer."""
    provider = reply.provider
    with uow_factory() as uow:
        amendment = uow.session.get(Amendment, reply.subject_id)
        title, owner, due = amendment.title, amendment.proposed_by, amendment.reaction_due
    reading = read_reaction(reply.answer)
    if reading is None:
        return Action(
            InboundStatus.DONE,
            f"Post over wijzigingsvoorstel '{title}'; niet als akkoord of bezwaar te lezen, "
            "op de werkvoorraad",
            [staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)],
        )
    response, who = reading
    if response == PartyResponse.OBJECTS and not has_grounds(reply.answer):
        return ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.AMENDMENT,
            f"het wijzigingsvoorstel '{title}'",
            "u schrijft dat u bezwaar hebt, maar niet welk nadeel de wijziging geeft en voor wie.",
            "Schrijf in uw antwoord wie er last van heeft (uw organisatie, uw cliënten of een "
            "gemeente) en waarom; zonder bezwaar antwoordt u met 'akkoord'.",
            owner,
            due,
        )
    try:
        outcome = register_amendment_reaction(
            uow_factory(),
            cfg,
            reply.subject_id,
            provider.code,
            response,
            who,
            reply.answer[:4000] if response == PartyResponse.OBJECTS else "",
            reply.received,
            reply.by[:50],
            reply.as_of,
            via="mail",
            sent_at=reply.sent_at,
        )
    except InvalidInput as error:
        return Action(
            InboundStatus.DONE,
            f"Reactie op wijzigingsvoorstel '{title}' niet geregistreerd: "
            f"{error.problems[0].message}; op de werkvoorraad",
            [staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)],
        )
    work = [staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)]
    return Action(
        InboundStatus.DONE,
        f"{outcome} (wijzigingsvoorstel '{title}')",
        work if response == PartyResponse.OBJECTS else [],
    )
