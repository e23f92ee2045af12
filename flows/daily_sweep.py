"""Flow daily-sweep: everything that is due, caught up to ``as_of``."""

from __future__ import annotations

import pandas as pd
from prefect import flow

from clm.rules import labels
from flows.common import FlowInput, flat_form
from tasks.artifacts import publish_table
from tasks.deadlines import deadlines
from tasks.escalation import load_open_signals
from tasks.meetings import final_agendas, pick_up_sheets
from tasks.outbox import deliver_outbox
from tasks.providers import publish_amendment_table, publish_provider_table
from tasks.worklist import refresh_work_lists


class DailySweepInput(FlowInput):
    """Invoer van de dagelijkse ronde."""


@flat_form
@flow(name="daily-sweep")
def daily_sweep(params: DailySweepInput = DailySweepInput()) -> dict:  # noqa: B008
    """Dagelijkse ronde: neemt nieuwe gegevensbladen uit de intakemap in, verstuurt de
    definitieve agenda's die aan de beurt zijn, herinnert aan gegevens die te laat zijn (één
    herinnering, daarna één signaal aan de contractmanager), maakt verslagen definitief waarvan
    de reactieweek zonder open opmerkingen voorbij is, meldt verslagen die twee weken na het
    gesprek nog niet gedeeld zijn, herinnert actiehouders vóór en na de deadline, bewaakt de
    termijnen van de escalatietreden (herinnering vooraf, signaal na afloop) en de
    beoordelingstermijn van aanmeldingen voor toetreding, herinnert de contractmanager vóór het
    besluit over een optiejaar (en meldt het als die datum voorbij is), besluit over
    wijzigingsvoorstellen waarvan de reactietermijn voorbij is (doorvoeren, of uitstellen tot
    het volgende inkoopmoment als een partij er last van heeft), toont de open signalen en de
    werkvoorraad van elke medewerker (met een korte ochtendmail) en de lijst van aanbieders
    (artefact aanbieders), en verstuurt de outbox.
    Alles wat op of vóór de peildatum verviel wordt ingehaald; twee keer draaien op één dag
    verandert niets."""
    as_of = params.effective_as_of()
    sheets = pick_up_sheets(as_of)
    agendas = final_agendas(as_of)
    due = deadlines(as_of)
    signals = load_open_signals()
    publish_table(
        pd.DataFrame(signals),
        key="open-signalen",
        labels=labels.SIGNALS,
        description=f"Open signalen per contractmanager ({len(signals)})",
    )
    providers = publish_provider_table()
    publish_amendment_table()
    work = refresh_work_lists(as_of, mail=True)
    delivered = deliver_outbox()
    return {
        "as_of": as_of.isoformat(),
        "sheets_accepted": len(sheets["accepted"]),
        "sheets_refused": len(sheets["refused"]),
        "final_agendas": agendas,
        **due,
        "open_signals": len(signals),
        "providers": providers,
        **work,
        **delivered,
    }


if __name__ == "__main__":
    daily_sweep()
