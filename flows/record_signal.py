"""Flow record-signal: staff record a signal of (threatening) non-compliance."""

from __future__ import annotations

from typing import Annotated

from prefect import flow
from pydantic import Field

from clm.rules.vocabulary import SIGNAL_LABELS, SignalKind
from flows.common import FlowInput, ProviderCode, StaffKey, dutch_choice, flat_form, receipt
from tasks.escalation import signal
from tasks.outbox import deliver_outbox


class RecordSignalInput(FlowInput):
    """Signaal vastleggen."""

    provider_code: ProviderCode
    kind: Annotated[SignalKind, *dutch_choice(SIGNAL_LABELS)] = Field(
        ..., title="Soort", description="Kwaliteit, continuïteit, rechtmatigheid of tijdigheid."
    )
    source: str = Field(
        ...,
        min_length=3,
        max_length=200,
        title="Bron",
        description="Bijv. toegangsteam Almere, IGJ, klacht.",
    )
    description: str = Field(..., min_length=10, max_length=5000, title="Omschrijving")
    recorded_by: StaffKey


@flat_form
@flow(name="record-signal")
def record_signal(params: RecordSignalInput) -> dict:
    """Een signaal vastleggen. Een signaal start geen trede (terughoudendheid eerst); het staat
    in het overzicht van open signalen voor de contractmanager en in het dossier."""
    recorded = signal(
        params.provider_code,
        params.kind,
        params.source,
        params.description,
        params.recorded_by,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()  # what this run wrote goes out now
    receipt(
        f"signaal {params.provider_code}",
        [f"Signaal {params.kind.label}: {params.description}"] if recorded else [],
        ["Het staat in open-signalen en op de werkvoorraad van de contractmanager."],
        params.provider_code,
        params.recorded_by,
    )
    return {"recorded": recorded, **delivered}
