"""Amendments during the term: what may change, when the change applies, and how an answer
reads.

Seed 003: "Als de cliënt, de aanbieder en de gemeente geen last hebben van de verandering,
dan kan deze gewoon doorgevoerd worden. Op het moment dat één of meerdere partijen last
hebben van de verandering, dan wachten we tot het volgende inkoopmoment." Seed 002: after a
group meeting the region may propose a change of the framework agreement (article 8).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from clm.rules.quarters import Quarter
from clm.rules.replies import has_reservation, is_agreement


class ChangeKind(StrEnum):
    """What an amendment changes; a norm and a KPI's wording count in the figures."""

    TEXT = "text"  # an article's text
    TARIFF = "tariff"
    KPI = "kpi"  # a KPI's definition (its label)
    NORM = "norm"  # a KPI's norm
    REQUIREMENT = "requirement"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]


CHANGE_LABELS = {
    ChangeKind.TEXT: "tekst van de overeenkomst",
    ChangeKind.TARIFF: "tarief",
    ChangeKind.KPI: "prestatie-indicator",
    ChangeKind.NORM: "norm",
    ChangeKind.REQUIREMENT: "eis",
}


class AmendmentStatus(StrEnum):
    CONSULTING = "consulting"  # the providers concerned may react until the term ends
    APPLIED = "applied"  # nobody disadvantaged: it holds from its date
    DEFERRED = "deferred"  # a party disadvantaged: to the next procurement moment
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            AmendmentStatus.CONSULTING: "in consultatie",
            AmendmentStatus.APPLIED: "doorgevoerd",
            AmendmentStatus.DEFERRED: "uitgesteld tot het volgende inkoopmoment",
            AmendmentStatus.WITHDRAWN: "ingetrokken",
        }[self]


class PartyResponse(StrEnum):
    PENDING = "pending"  # no answer (yet): at the end of the term, no objection
    AGREES = "agrees"
    OBJECTS = "objects"  # a party is disadvantaged


class Disadvantaged(StrEnum):
    """Who has 'last van de verandering' (seed 003): the three parties it names."""

    PROVIDER = "provider"
    CLIENTS = "clients"
    MUNICIPALITY = "municipality"

    @property
    def label(self) -> str:
        return {
            Disadvantaged.PROVIDER: "de aanbieder",
            Disadvantaged.CLIENTS: "cliënten",
            Disadvantaged.MUNICIPALITY: "een gemeente",
        }[self]


class Origin(StrEnum):
    GROUP_MEETING = "group_meeting"  # seed 002 art. 8: after a group meeting
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {Origin.GROUP_MEETING: "groepsoverleg", Origin.STAFF: "voorstel van de regio"}[self]


def first_quarter_from(day: date) -> str:
    """The first quarter that lies wholly on or after ``day``: a quarter's figures are over
    the whole quarter, so a norm changed on 15-05 counts from the third quarter on."""
    quarter = Quarter.of(day)
    return str(quarter if quarter.first_day == day else quarter.next())


def decision(responses: list[PartyResponse]) -> AmendmentStatus:
    """At the end of the term: applied unless a party stated it is disadvantaged (no answer
    is no objection; the consultation mail says so)."""
    if any(r == PartyResponse.OBJECTS for r in responses):
        return AmendmentStatus.DEFERRED
    return AmendmentStatus.APPLIED


_OBJECTION = re.compile(
    r"\b(bezwaar|bezwaren|nadeel|nadelig|benadeeld|benadeelt|last van|niet akkoord|"
    r"oneens|gaan niet akkoord)\b",
    re.IGNORECASE,
)
_NO_OBJECTION = re.compile(
    r"\bgeen\s+(?:enkel(?:e)?\s+)?(?:bezwaar|bezwaren|nadeel|nadelen|last)\b", re.IGNORECASE
)
_CLIENTS = re.compile(r"\bcli[eë]nt(en)?\b|\bjongeren\b|\bgezinnen\b", re.IGNORECASE)
_MUNICIPALITY = re.compile(r"\bgemeente(n|lijke)?\b", re.IGNORECASE)


def read_reaction(answer: str) -> tuple[PartyResponse, list[Disadvantaged]] | None:
    """A provider's mailed answer as a response: 'akkoord' (as with minutes: first word and
    no reservation) agrees; words of objection or disadvantage object, naming clients or a
    municipality where the text does (else the provider itself); 'geen bezwaar' agrees.
    None: a person reads it."""
    text = answer.strip()
    if not text:
        return None
    plain = _NO_OBJECTION.sub(" ", text)  # 'geen bezwaar' is no objection
    if _OBJECTION.search(plain):
        who = [
            party
            for party, pattern in (
                (Disadvantaged.CLIENTS, _CLIENTS),
                (Disadvantaged.MUNICIPALITY, _MUNICIPALITY),
            )
            if pattern.search(text)
        ]
        return PartyResponse.OBJECTS, who or [Disadvantaged.PROVIDER]
    if is_agreement(text) or (plain != text and not has_reservation(text)):
        return PartyResponse.AGREES, []
    return None
