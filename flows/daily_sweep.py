"""Flow daily-sweep: everything that is due, caught up to ``as_of``."""

from __future__ import annotations

from prefect import flow

from flows.common import FlowInput
from tasks.outbox import deliver_outbox


class DailySweepInput(FlowInput):
    """Invoer van de dagelijkse ronde."""


@flow(name="daily-sweep")
def daily_sweep(params: DailySweepInput = DailySweepInput()) -> dict:  # noqa: B008
    """Dagelijkse ronde: verstuurt wat nog in de outbox staat. Latere onderdelen (herinneringen,
    termijnen) komen hier bij; alles wat op of vóór de peildatum verviel, wordt ingehaald."""
    return {"as_of": params.effective_as_of().isoformat(), **deliver_outbox()}


if __name__ == "__main__":
    daily_sweep()
