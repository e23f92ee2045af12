"""A reply to the minutes ('akkoord' agrees, anything else is comments; nothing at all is
asked for again) and to a mail about the meeting ('kopie' sends the minutes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.replies import CONTENT_KINDS, asks_for_copy, is_agreement
from clm.rules.vocabulary import EventKind, InboundStatus
from clm.services.mailbox.replies import Action, Reply, ask_again, staff_post
from clm.services.meetings import meeting_day
from clm.services.minutes import register_reaction, send_copy
from clm.storage.db import UnitOfWork
from clm.storage.models import Meeting, Minutes


def minutes_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply) -> Action:
    """The reply to released minutes: agreement, comments, or asked again when empty."""
    provider = reply.provider
    with uow_factory() as uow:
        minutes = uow.session.get(Minutes, reply.subject_id)
        meeting = uow.session.get(Meeting, minutes.meeting_id)
        month, officer = meeting.meeting_month, meeting.support_officer
        minutes_due = minutes.reaction_due
    agreed = is_agreement(reply.answer)
    documents = [n for n, _, _ in reply.attachments if PurePath(n).suffix.lower() in CONTENT_KINDS]
    if not reply.answer.strip() and not documents:
        return ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.MINUTES_REACTION,
            f"het verslag van het gesprek van {meeting_day(meeting):%d-%m-%Y}",
            "er stond geen tekst in en er zat geen document bij.",
            "Akkoord met het verslag? Antwoord dan met het woord 'akkoord'. Hebt u "
            "opmerkingen, schrijf ze dan in uw antwoord; de reactietermijn loopt door.",
            officer,
            minutes_due,
        )
    text = reply.answer or f"(geen tekst; bijlagen: {', '.join(documents)})"
    try:
        outcome = register_reaction(
            uow_factory(),
            cfg,
            provider.code,
            month,
            agreed,
            {} if agreed else {"Reactie per mail": text[:4000]},
            reply.by[:50],
            reply.received,
            original=reply.original,
            version=reply.version,
            sent_at=reply.sent_at,
        )
    except InvalidInput as error:
        return Action(
            InboundStatus.DONE,
            f"Reactie op het verslag niet verwerkt: {error.problems[0].message}; op de "
            "werkvoorraad",
            [staff_post(officer, provider, "het verslag", reply)],
        )
    said = {
        "final": "akkoord met het verslag: het verslag is definitief",
        "comments": "opmerkingen bij het verslag, doorgestuurd aan de ondersteuner",
        "unchanged": "deze reactie was al geregistreerd",
        "superseded": "reactie eerder verzonden dan een reactie die al geregistreerd is; "
        "die blijft staan (beide staan in het contractdossier)",
    }[outcome]
    return Action(InboundStatus.DONE, said[0].upper() + said[1:])


def meeting_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply) -> Action:
    """The reply to a mail about the meeting: 'kopie' sends the minutes; else for the officer."""
    provider = reply.provider
    with uow_factory() as uow:
        meeting = uow.session.get(Meeting, reply.subject_id)
        month, officer = meeting.meeting_month, meeting.support_officer
    if asks_for_copy(reply.answer):
        try:
            kind = send_copy(
                uow_factory(),
                cfg,
                provider.code,
                month,
                reply.by,
                reply.as_of,
                request_key=f"mail-{reply.inbound_id}",
            )
        except InvalidInput as error:
            return Action(
                InboundStatus.DONE,
                f"Kopie van het verslag gevraagd, niet verstuurd: {error.problems[0].message}; "
                "op de werkvoorraad",
                [staff_post(officer, provider, "het verslag", reply)],
            )
        word = {"final": "definitieve", "draft": "concept", "unchanged": "al verstuurde"}[kind]
        return Action(
            InboundStatus.DONE, f"Kopie van het verslag gevraagd: {word} versie verstuurd"
        )
    return Action(
        InboundStatus.DONE,
        "Post over het gesprek; op de werkvoorraad van de ondersteuner",
        [staff_post(officer, provider, "het gesprek", reply)],
    )
