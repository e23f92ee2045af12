"""Flow record-signal: staff record a signal of (threatening) non-compliance."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from clm.rules.vocabulary import SignalKind
from flows.common import FlowInput, ProviderCode, StaffKey
from tasks.escalation import signal
from tasks.outbox import deliver_outbox


class RecordSignalInput(FlowInput):
    """Signaal vastleggen."""

    provider_code: ProviderCode
    kind: SignalKind = Field(
        ..., title="Soort", description="kwaliteit, continuïteit, rechtmatigheid, tijdigheid"
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


@flow(name="record-signal")
def record_signal(params: RecordSignalInput) -> dict:
    """Een signaal vastleggen. Een signaal start geen trede (terughoudendheid eerst); het staat
    in het overzicht van open signalen voor de contractmanager en in het dossier."""
    return {
        "recorded": signal(
            params.provider_code,
            params.kind,
            params.source,
            params.description,
            params.recorded_by,
            params.effective_as_of(),
        ),
        **deliver_outbox(),  # what this run wrote goes out now
    }
