"""The Dutch column titles of every table staff read (artifacts, work lists), in one place;
the read models keep English column names and these words replace them when published."""

from __future__ import annotations

from collections.abc import Mapping

CLASSIFICATION = {
    "code": "AGB-code",
    "name": "Aanbieder",
    "clients": "Cliënten",
    "municipalities": "Gemeenten",
    "revenue": "Omzet regio (€)",
    "points_clients": "Punten cliënten",
    "points_municipalities": "Punten gemeenten",
    "points_revenue": "Punten omzet",
    "points_specialisation": "Punten specialisatie",
    "points_information": "Punten informatie",
    "points_political_importance": "Punten politiek belang",
    "score": "Score",
    "computed_category": "Berekende categorie",
    "category": "Categorie",
    "meetings_per_year": "Gesprekken per jaar",
    "months": "Maanden",
    "overridden_by": "Vastgesteld door",
    "warnings": "Waarschuwingen",
    "escalation": "Escalatie",
}

MEETINGS = {
    "code": "AGB-code",
    "name": "Aanbieder",
    "category": "Categorie",
    "starts": "Datum en tijd",
    "status": "Status",
    "location": "Locatie",
    "contract_manager": "Contractmanager",
    "attendees": "Deelnemers regio",
    "data_deadline": "Gegevens uiterlijk",
    "data_delivered": "Gegevens ontvangen",
}

PROVIDERS = {
    "code": "AGB-code",
    "name": "Aanbieder",
    "care_types": "Zorgvormen",
    "contracts": "Contract (looptijd, optiejaren)",
    "category": "Categorie",
    "year": "Classificatiejaar",
    "contract_manager": "Contractmanager",
    "contact": "Contactpersoon",
}

AMENDMENTS = {
    "id": "Nummer",
    "title": "Voorstel",
    "kind": "Soort",
    "status": "Status",
    "proposed_on": "Voorgesteld op",
    "reaction_due": "Reageren uiterlijk",
    "effective_on": "Ingangsdatum",
    "answers": "Reacties",
}

SIGNALS = {
    "code": "AGB-code",
    "name": "Aanbieder",
    "contract_manager": "Contractmanager",
    "kind": "Soort",
    "source": "Bron",
    "description": "Omschrijving",
    "since": "Sinds",
}

WORK_LIST = {
    "staff_key": "Medewerker",
    "kind": "Soort",
    "provider": "Aanbieder",
    "what": "Wat",
    "due": "Uiterlijk",
    "state": "Stand",
    "link": "Link",
}

# The mailbox flow's table of the mails it read.
MAILBOX = {
    "from": "Afzender",
    "subject": "Onderwerp",
    "provider": "Aanbieder",
    "status": "Stand",
    "outcome": "Wat er gebeurde",
}

# The terms of an escalation step, as letters and reminders name them.
ESCALATION_TERMS = {
    "answer_due": "verklaring en herstelmaatregelen",
    "plan_due": "verbeterplan",
    "recovery_due": "herstel",
    "review_due": "beoordeling verbeterplan",
    "objection_due": "bezwaar",
}

# Each flow's deployment, named for the task in the words staff use (prefect.yaml holds the
# same names; a test keeps the two equal). Texts that send staff to a task name it by these.
DEPLOYMENTS = {
    "yearly-classification": "jaarlijkse-classificatie",
    "import-declarations": "declaraties-inlezen",
    "record-judged-scores": "beoordeling-vastleggen",
    "import-judged-scores": "beoordelingen-inlezen",
    "override-category": "categorie-vaststellen",
    "import-contracts": "contracten-inlezen",
    "decide-option-year": "besluit-optiejaar",
    "propose-amendment": "wijziging-voorstellen",
    "register-amendment-reaction": "reactie-op-wijziging",
    "withdraw-amendment": "wijziging-intrekken",
    "daily-sweep": "dagelijkse-ronde",
    "quarterly-preparation": "kwartaalvoorbereiding",
    "intake-provider-data": "gegevensblad-innemen",
    "move-meeting": "gesprek-verplaatsen",
    "cancel-meeting": "gesprek-annuleren",
    "add-agenda-point": "agendapunt-toevoegen",
    "extra-attendee": "extra-deelnemer",
    "record-minutes": "verslag-vastleggen",
    "release-minutes": "verslag-versturen",
    "register-reaction": "reactie-op-verslag",
    "send-minutes-copy": "verslag-kopie-sturen",
    "close-action": "actiepunt-afronden",
    "close-work-item": "werkpunt-afvinken",
    "minutes-template": "verslagformulier-maken",
    "record-minutes-sheet": "verslagformulier-inlezen",
    "export-dossier": "dossier-exporteren",
    "record-signal": "signaal-vastleggen",
    "escalation": "escalatie-trede",
    "register-objection": "bezwaar-registreren",
    "close-escalation": "escalatie-sluiten",
    "record-registered-mail": "aangetekende-verzending",
    "record-talk-outcome": "uitkomst-directiegesprek",
    "regional-analysis": "regioanalyse",
    "propose-group-topic": "onderwerp-groepsoverleg",
    "group-meeting": "groepsoverleg",
    "record-group-report": "verslag-groepsoverleg",
    "admit-provider": "aanmelding-toetreding",
    "decide-admission": "besluit-toetreding",
    "notify-administrator": "melding-beheer",
    "recover-run": "herstel-run",
    "read-mailbox": "post-lezen",
    "confirm-agenda-points": "bespreekpunten-bevestigen",
}


def deployment(flow: str) -> str:
    """'verslag-vastleggen/record-minutes' is how the UI lists it; staff read the first."""
    return DEPLOYMENTS[flow]


# The system's own steps that are not a flow, as people call them.
SYSTEM_ACTORS = {
    "intake": "gegevensinname",
    "minutes": "verslaglegging",
    "escalation": "escalatieladder",
    "notify-administrator": "melding aan beheer",
    "postvak": "postvak",
}


def actor_label(actor: str, staff: Mapping[str, str]) -> str:
    """Who did something, for a reader: a staff member by name (and key), the system by the
    task's Dutch name (a flow's deployment); anything else as recorded."""
    if actor in staff:
        return f"{staff[actor]} ({actor})"
    if actor in DEPLOYMENTS:
        return f"systeem: {DEPLOYMENTS[actor]}"
    if actor in SYSTEM_ACTORS:
        return f"systeem: {SYSTEM_ACTORS[actor]}"
    return actor
