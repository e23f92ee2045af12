"""The Dutch column titles of every table staff read (artifacts, work lists), in one place;
the read models keep English column names and these words replace them when published."""

from __future__ import annotations

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

# The terms of an escalation step, as letters and reminders name them.
ESCALATION_TERMS = {
    "answer_due": "verklaring en herstelmaatregelen",
    "plan_due": "verbeterplan",
    "recovery_due": "herstel",
    "review_due": "beoordeling verbeterplan",
    "objection_due": "bezwaar",
}
