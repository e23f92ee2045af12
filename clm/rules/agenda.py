"""The agenda of a progress meeting: seed 002's fixed items with seed 004's themes in them.

Seed 002 ('Agenda en verslaglegging') gives the format: items 1-8, some with sub-items. Seed 004
('Inhoud en opzet') asks that every meeting opens by recalling the shared ambition and covers at
least five themes, which "kunnen worden gewijzigd": the region configures them (``agenda`` in
the config) and each is placed under the seed-002 item where it belongs, after that item's own
sub-items, so that the numbers of those sub-items ('4b') never move. One list serves the draft
agenda, the final agenda, the data request, the minutes sheet and the minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LETTERS = "abcdefgh"  # a seed-002 item has at most eight sub-items (4a ... 4h)


@dataclass(frozen=True)
class AgendaItem:
    number: str
    title: str
    subitems: tuple[str, ...] = ()
    # the letter of the sub-item under which the delivered figures and the benchmark belong
    figures_letter: str = ""

    @property
    def figures_number(self) -> str:
        """'4f' when the figures belong under this item's sub-item f, else ''."""
        return f"{self.number}{self.figures_letter}" if self.figures_letter else ""


@dataclass(frozen=True)
class Theme:
    """A seed-004 theme: where it goes, its title and its topics."""

    item: str
    title: str
    topics: str = ""
    figures: bool = False  # the delivered figures and the benchmark are discussed here

    @property
    def text(self) -> str:
        return f"{self.title}: {self.topics}" if self.topics else self.title


SEED_002: tuple[AgendaItem, ...] = (
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

# Seed 004, 'Onderwerpen', each under the seed-002 item it belongs to (the default of the config)
SEED_004_THEMES: tuple[Theme, ...] = (
    Theme(
        "4",
        "Ontwikkelingen in cijfers",
        "cliëntenstromen, wachttijden, trends, benchmarking en prestaties ten opzichte van "
        "andere aanbieders",
        figures=True,
    ),
    Theme(
        "4",
        "Financiële voortgang",
        "jaarrekening, facturatie, SROI-verplichtingen, rechtmatigheid en naleving van "
        "rapportage-afspraken",
    ),
    Theme(
        "5",
        "Kwaliteit en risico's",
        "resultaten uit audits en certificeringen, signalen van IGJ of toegang, "
        "risicobeoordelingen en verbetermaatregelen, cliënttevredenheidsonderzoeken, uitvoering "
        "van het Regionale Handelingskader, administratieve processen en werkafspraken",
    ),
    Theme(
        "6",
        "Organisatie en samenwerking",
        "personele en organisatorische ontwikkelingen, innovatieprojecten, samenwerking met "
        "lokale teams en ketenpartners",
    ),
    Theme(
        "7",
        "Beleidscontext",
        "aansluiting op regionale thema's en gezamenlijke opgaven binnen het zorglandschap",
    ),
)

ITEM_NUMBERS = tuple(item.number for item in SEED_002)


def opening_text(ambition: str) -> str:
    """Seed 004: every meeting starts by recalling the shared ambition."""
    return f"Gedeelde ambitie: {ambition}"


def build_agenda(ambition: str, themes: Iterable[Theme]) -> tuple[AgendaItem, ...]:
    """Seed 002's items with the opening under item 1 and each theme after its item's own
    sub-items. Raises ValueError when an item would get more sub-items than it has letters."""
    extra: dict[str, list[Theme]] = {number: [] for number in ITEM_NUMBERS}
    for theme in themes:
        if theme.item not in extra:
            raise ValueError(f"agendapunt '{theme.item}' bestaat niet (1 tot en met 8)")
        extra[theme.item].append(theme)
    out = []
    for item in SEED_002:
        subs = list(item.subitems)
        if item.number == "1" and ambition:
            subs.insert(0, opening_text(ambition))
        figures = ""
        for theme in extra[item.number]:
            subs.append(theme.text)
            if theme.figures:
                figures = LETTERS[len(subs) - 1] if len(subs) <= len(LETTERS) else ""
        if len(subs) > len(LETTERS):
            raise ValueError(
                f"agendapunt {item.number} krijgt {len(subs)} subpunten; "
                f"er passen er {len(LETTERS)} (a tot en met h)"
            )
        out.append(AgendaItem(item.number, item.title, tuple(subs), figures))
    return tuple(out)


# The agenda without a region's config (the seed's defaults), for tools and tests.
AGENDA: tuple[AgendaItem, ...] = build_agenda(
    "het realiseren van passende, effectieve en beschikbare jeugdhulp in de regio",
    SEED_004_THEMES,
)


def figures_number(agenda: Iterable[AgendaItem]) -> str:
    """The sub-item (for example '4f') under which the figures are discussed, or ''."""
    return next((i.figures_number for i in agenda if i.figures_number), "")
