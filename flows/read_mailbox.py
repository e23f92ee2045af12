"""Flow read-mailbox: providers' replies by mail, matched and acted on."""

from __future__ import annotations

import pandas as pd
from prefect import flow
from prefect.runtime import flow_run

from clm.rules import labels
from flows.common import FlowInput, flat_form, receipt
from tasks.artifacts import publish_table
from tasks.mailbox import read_mailbox as read
from tasks.outbox import deliver_outbox


class ReadMailboxInput(FlowInput):
    """Invoer van het lezen van het postvak."""


@flat_form
@flow(name="read-mailbox")
def read_mailbox(params: ReadMailboxInput = ReadMailboxInput()) -> dict:  # noqa: B008
    """Postvak lezen: elke mail van een aanbieder die antwoordt op een mail met een kenmerk
    (CLM-…) wordt gekoppeld en verwerkt: een gegevensblad wordt ingenomen, 'akkoord' op een
    verslag maakt het definitief, opmerkingen gaan naar de ondersteuner, 'kopie' stuurt het
    verslag, een bezwaar tegen een trede wordt geregistreerd, bespreekpunten wachten op de
    ondersteuner. Post zonder kenmerk of van een onbekend adres komt op de werkvoorraad en
    krijgt geen antwoord. De mail zelf komt in het contractdossier en gaat in het postvak naar
    de map Verwerkt (of Niet-gekoppeld, Fout); er wordt niets verwijderd. Draait elk kwartier;
    opnieuw starten verwerkt niets twee keer."""
    as_of = params.effective_as_of()
    results = read(as_of)
    delivered = deliver_outbox()
    new = [r for r in results if r["new"]]
    if new:
        publish_table(
            pd.DataFrame(new).drop(columns="new"),
            key="postvak",
            labels=labels.MAILBOX,
            description=f"Postvak gelezen op {as_of:%d-%m-%Y}: {len(new)} nieuwe mail(s)",
        )
    counts = {
        status: sum(r["status"] == status for r in new)
        for status in ("done", "unmatched", "ignored", "failed")
    }
    if not new and "auto-scheduled" in (flow_run.tags or []):
        return {"messages": 0, **counts, **delivered}  # the quarter-hourly look: no receipt
    receipt(
        "postvak gelezen",
        [f"{r['from']}: {r['outcome']}" for r in new[:20]]
        + ([f"… en nog {len(new) - 20} mail(s): zie artefact postvak"] if len(new) > 20 else []),
        [
            "Niet-gekoppelde post staat op de werkvoorraad van de ondersteuner; de mail zelf "
            "staat in de map Niet-gekoppeld van het postvak.",
            "Het postvak wordt elk kwartier gelezen.",
        ],
    )
    return {"messages": len(new), **counts, **delivered}
