"""The fixed agenda of a progress meeting (seed 002, 'Agenda en verslaglegging').

One list for the draft agenda, the final agenda and (later) the minutes, so that they always
share their numbering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgendaItem:
    number: str
    title: str
    subitems: tuple[str, ...] = ()


AGENDA: tuple[AgendaItem, ...] = (
    AgendaItem("1", "Opening en mededelingen"),
    AgendaItem("2", "Verslag en actiepunten vorig overleg"),
    AgendaItem("3", "Bespreekpunten vanuit aanbieder"),
    AgendaItem(
        "4",
        "Contractmanagement",
        (
            "Instroom/uitstroom",
            "Wachtlijsten/wachttijden",
            "Personeel: bezetting/verloop",
            "Zijn er pilots/ontwikkelingen?",
            "SROI",
        ),
    ),
    AgendaItem(
        "5",
        "Kwaliteit",
        (
            "Wachtlijsten/wachttijden",
            "Klachten/calamiteiten",
            "Wat gaat goed?",
            "Wat kan beter?",
            "Cliënttevredenheid",
        ),
    ),
    AgendaItem(
        "6",
        "Algemene samenwerking en communicatie",
        (
            "Hoe verloopt de samenwerking met de lokale toegangen?",
            "Afstemming/samenwerking lokale toegangen gemeenten: hoe loopt dit?",
        ),
    ),
    AgendaItem("7", "Overige bespreekpunten"),
    AgendaItem("8", "Rondvraag"),
)
